import CGit2
import Foundation

/// Writing a commit's files into a workspace.
///
/// Builds and scans need real files, but a run must never disturb the
/// repository it reads from (another run may be reading it at the same time,
/// and a mirror has no working tree at all). So each run gets its own
/// directory, e.g. `.slipway/work/<run>`, and the commit's tree is written
/// there; the repository's HEAD, index and working tree are left alone.
extension GitRepository {
    /// Writes every file of `commit` into `directory`, which must be missing
    /// or empty; it is created (with its parents) if needed. Works on bare
    /// repositories.
    ///
    /// Afterwards the directory holds exactly the commit's files. File modes
    /// (executable bit) and symbolic links are written as git records them,
    /// and the repository's attributes (line endings, filters) apply as they
    /// would for `git checkout`. Submodules are not checked out.
    ///
    /// A non-empty directory is refused rather than merged into: libgit2
    /// decides whether to delete a file already there by looking at the
    /// repository's own index, so the result would depend on unrelated
    /// state. To check out again (a resumed run), remove the directory first.
    ///
    /// - Throws: `GitError` when `directory` is this repository's own working
    ///   tree (`.invalid`), is not empty (`.exists`), cannot be created, or
    ///   when `commit` is not a commit here.
    public func checkout(_ commit: GitObjectID, into directory: String) throws {
        let operation = "check out \(commit.short) from \(path) into \(directory)"
        let repository = try pointer(for: operation)

        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        if let workingDirectory,
           URL(fileURLWithPath: workingDirectory).standardizedFileURL.path == target {
            throw GitError(
                code: .invalid,
                message: "that is the repository's own working tree; check out into a separate directory",
                operation: operation)
        }
        try Self.prepareEmptyDirectory(target, operation: operation)

        // An empty baseline makes every file of the commit "new", so all of
        // them are written whatever HEAD is (or whether it exists at all).
        var baseline: OpaquePointer?
        try GitError.check(git_index_new(&baseline), operation)
        defer { git_index_free(baseline) }

        try withCommit(commit, operation: operation) { commitObject in
            var options = git_checkout_options()
            try GitError.check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), operation)
            // FORCE: make the directory match the commit, whatever libgit2
            // believes was there before (SAFE skips files it takes for
            // deliberately deleted when the baseline has them).
            // DONT_UPDATE_INDEX: leave the repository's own index untouched
            // (libgit2 would otherwise record the checkout in it).
            options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
            options.baseline_index = baseline
            try target.withCString { targetPath in
                options.target_directory = targetPath
                try GitError.check(git_checkout_tree(repository, commitObject, &options), operation)
            }
        }
    }
    /// Creates `directory` (and its parents), or checks that it is empty.
    private static func prepareEmptyDirectory(_ directory: String, operation: String) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw GitError(code: .exists, message: "a file is in the way", operation: operation)
            }
            let contents = (try? files.contentsOfDirectory(atPath: directory)) ?? []
            guard contents.isEmpty else {
                throw GitError(
                    code: .exists,
                    message: "the directory is not empty (it holds \(contents.sorted().prefix(3).joined(separator: ", "))"
                        + (contents.count > 3 ? ", …)" : ")"),
                    operation: operation)
            }
            return
        }
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError(code: .generic, message: "\(error)", operation: operation)
        }
    }
}
