import CGit2

/// Naming commits and reading their history.
///
/// Slipway turns whatever a person or a webhook hands it (a branch, a tag, a
/// short sha) into one full commit id as early as possible, and works with
/// that id from then on, so a branch moving mid-run cannot change what a run
/// releases.
extension GitRepository {
    /// The commit a revision names.
    ///
    /// Accepts anything `git rev-parse` does: a branch (`main`), a
    /// remote-tracking branch (`origin/main`), a tag (annotated or
    /// lightweight), a full or abbreviated sha, `HEAD`, `HEAD~1`, `main^2`,
    /// `v1.0^{}`. Tags and other objects are peeled to the commit they name.
    ///
    /// - Throws: `GitError` naming the revision and the repository when it
    ///   does not exist, is ambiguous, or names something that is not a
    ///   commit (a tree or a blob).
    public func resolve(_ revision: String) throws -> GitObjectID {
        let operation = "resolve revision '\(revision)' in \(path)"
        let repository = try pointer(for: operation)
        var object: OpaquePointer?
        try GitError.check(git_revparse_single(&object, repository, revision), operation)
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try GitError.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), operation)
        defer { git_object_free(commit) }
        return GitObjectID(git_object_id(commit))
    }

    /// Everything Slipway records about the commit `id`: author, committer,
    /// message and parents.
    ///
    /// - Throws: `GitError` when there is no commit with that id.
    public func commit(_ id: GitObjectID) throws -> GitCommitInfo {
        try withCommit(id, operation: "read commit \(id.short) in \(path)") { commit in
            GitCommitInfo(commit: commit)
        }
    }

    /// Up to `limit` commits of the line of history ending at `from`, newest
    /// first, starting with `from` itself.
    ///
    /// The walk follows first parents only: for a branch that takes merges
    /// this is the sequence of states the branch itself was in, which is what
    /// `slipway watch` releases, not the commits of every merged branch.
    ///
    /// - Throws: `GitError` when `from` is not a commit in this repository.
    public func log(from: GitObjectID, limit: Int) throws -> [GitCommitInfo] {
        guard limit > 0 else { return [] }
        return try walk(from: from, limit: limit, operation: "read the history of \(from.short) in \(path)") { walk, operation in
            try GitError.check(git_revwalk_simplify_first_parent(walk), operation)
        }
    }

    /// Up to `limit` commits of a revision walk from `tip` (topological, newest first), after
    /// `configure` has set the walk up (first parents only, commits hidden).
    private func walk(
        from tip: GitObjectID, limit: Int, operation: String, configure: (OpaquePointer?, String) throws -> Void
    ) throws -> [GitCommitInfo] {
        let repository = try pointer(for: operation)
        var walk: OpaquePointer?
        try GitError.check(git_revwalk_new(&walk, repository), operation)
        defer { git_revwalk_free(walk) }
        try GitError.check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), operation)
        try configure(walk, operation)
        var start = tip.oid
        try GitError.check(git_revwalk_push(walk, &start), operation)
        var commits: [GitCommitInfo] = []
        var next = git_oid()
        while commits.count < limit {
            let result = git_revwalk_next(&next, walk)
            if result == GIT_ITEROVER.rawValue { break }
            try GitError.check(result, operation)
            commits.append(try commit(GitObjectID(next)))
        }
        return commits
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors, i.e. whether
    /// moving from `ancestor` to `descendant` is a fast-forward. A watcher uses
    /// this to tell a new commit on a branch from a force-push that rewrote it.
    public func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID) throws -> Bool {
        if ancestor == descendant { return true }
        let operation = "compare the history of \(ancestor.short) and \(descendant.short) in \(path)"
        let repository = try pointer(for: operation)
        var commit = descendant.oid
        var candidate = ancestor.oid
        let result = git_graph_descendant_of(repository, &commit, &candidate)
        try GitError.check(result, operation)
        return result == 1
    }
}

extension GitRepository {
    /// Every commit reachable from `tip` and not from `base` (merged branches included), newest
    /// first, at most `limit` of them: what a release brings that the release at `base` did not.
    /// With no `base`, only `tip` itself.
    public func commits(from tip: GitObjectID, since base: GitObjectID?, limit: Int = 1000) throws -> [GitCommitInfo] {
        guard let base else { return [try commit(tip)] }
        return try walk(from: tip, limit: limit, operation: "list the commits between \(base.short) and \(tip.short) in \(path)") { walk, _ in
            var hidden = base.oid
            // A base this repository does not have (history rewritten) hides nothing.
            if git_revwalk_hide(walk, &hidden) != 0 { git_error_clear() }
        }
    }
}
