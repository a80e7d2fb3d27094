import CGit2

/// Which paths a change touched.
///
/// A pipeline's `source.paths` says which changes release it (a commit that
/// only edits docs should not redeploy ModelServe), so the trigger asks for
/// the paths touched between the last released commit and the new one and
/// matches them against the pipeline's globs.
extension GitRepository {
    /// Every path that differs between the trees of `from` and `to`: files
    /// added, modified, deleted, or changed type, and both the old and the
    /// new path of a rename. Sorted, without duplicates.
    ///
    /// With `from == nil` (a first release, or a branch with no earlier
    /// release) every file path in `to` counts as changed.
    ///
    /// Paths are files (and submodules), never directories. Rename detection
    /// is deliberately not run: a rename is reported as its old and new path
    /// whether or not libgit2 pairs them, and skipping the similarity search
    /// keeps large diffs cheap.
    ///
    /// - Throws: `GitError` when either id is not a commit in this repository.
    public func changedPaths(from: GitObjectID?, to: GitObjectID) throws -> [String] {
        let operation = from.map { "list the paths changed from \($0.short) to \(to.short) in \(path)" }
            ?? "list the paths of \(to.short) in \(path)"
        return try withRootTree(of: to, operation: operation) { newTree in
            guard let from else {
                return try diffPaths(old: nil, new: newTree, operation: operation)
            }
            return try withRootTree(of: from, operation: operation) { oldTree in
                try diffPaths(old: oldTree, new: newTree, operation: operation)
            }
        }
    }

    /// Diffs two loaded trees (a nil `old` is the empty tree) and collects the
    /// paths on both sides of every delta.
    private func diffPaths(old: OpaquePointer?, new: OpaquePointer, operation: String) throws -> [String] {
        let repository = try pointer(for: operation)
        var options = git_diff_options()
        try GitError.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), operation)

        var diff: OpaquePointer?
        try GitError.check(git_diff_tree_to_tree(&diff, repository, old, new, &options), operation)
        defer { git_diff_free(diff) }

        var paths = Set<String>()
        for index in 0..<git_diff_num_deltas(diff) {
            // Deltas are owned by the diff: not freed on their own.
            guard let delta = git_diff_get_delta(diff, index) else { continue }
            if let path = delta.pointee.old_file.path { paths.insert(String(cString: path)) }
            if let path = delta.pointee.new_file.path { paths.insert(String(cString: path)) }
        }
        return paths.sorted()
    }
}
