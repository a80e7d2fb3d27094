import CGit2

/// A local git repository opened with libgit2: a working tree or a bare
/// repository (such as the mirror Slipway clones to read specs from).
///
/// A repository only exists inside a `withRepository(at:_:)` scope and the
/// libgit2 handle is freed when the scope ends, so a long-running runner never
/// leaks file descriptors or pack-file maps. Using the object after its scope
/// has ended throws a `GitError` instead of touching freed memory.
///
/// The operations live in extensions, one concern each: `+Revisions`
/// (resolve, commit, log), `+Trees` (read files, list directories), `+Diff`,
/// `+Checkout`, `+Remote` (clone, fetch) and `+Specs`.
///
/// A libgit2 repository handle must not be used from two threads at once, so
/// this class is deliberately not `Sendable`: open one per task.
public final class GitRepository {
    /// The path the repository was opened at, as the caller gave it. Used in
    /// error messages, so they name what the user typed.
    public let path: String

    /// The libgit2 handle; nil once the `withRepository` scope has ended.
    private var handle: OpaquePointer?

    private init(opening path: String) throws {
        LibGit2.initialize()
        var repository: OpaquePointer?
        // NO_SEARCH: open exactly this path (a work tree or a bare repository),
        // never a repository found in some parent directory.
        let result = git_repository_open_ext(
            &repository, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        try GitError.check(result, "open repository at \(path)")
        self.path = path
        self.handle = repository
    }

    deinit {
        // Only reached with a live handle if `close()` was skipped, which the
        // scoped API never does; kept so the handle cannot leak regardless.
        if let handle { git_repository_free(handle) }
    }

    /// Frees the libgit2 handle. Called once, at the end of the scope.
    private func close() {
        if let handle { git_repository_free(handle) }
        handle = nil
    }

    // MARK: Scopes

    /// Opens the repository at `path` (a working tree or a bare repository,
    /// not searching parent directories), runs `body`, and frees the
    /// repository when `body` returns or throws.
    ///
    /// - Throws: `GitError` when `path` is not a repository, or whatever
    ///   `body` throws.
    public static func withRepository<T>(
        at path: String,
        _ body: (GitRepository) throws -> T
    ) throws -> T {
        let repository = try GitRepository(opening: path)
        defer { repository.close() }
        return try body(repository)
    }

    /// The async form of `withRepository(at:_:)`, for callers that await
    /// inside the scope. `body` runs in the caller's isolation, so the
    /// (non-`Sendable`) repository never crosses an isolation boundary.
    public static func withRepository<T>(
        at path: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (GitRepository) async throws -> T
    ) async throws -> T {
        let repository = try GitRepository(opening: path)
        defer { repository.close() }
        return try await body(repository)
    }

    // MARK: Facts about the repository

    /// Whether the repository has no working tree (e.g. a mirror clone).
    public var isBare: Bool {
        guard let handle else { return false }
        return git_repository_is_bare(handle) == 1
    }

    /// The `.git` directory (or the bare repository itself), with a trailing
    /// slash, as libgit2 reports it.
    public var gitDirectory: String? {
        handle.flatMap { git_repository_path($0) }.map { String(cString: $0) }
    }

    /// The working tree, with a trailing slash; nil for a bare repository.
    public var workingDirectory: String? {
        handle.flatMap { git_repository_workdir($0) }.map { String(cString: $0) }
    }

    // MARK: Shared plumbing for the extensions

    /// The live libgit2 handle, or a `GitError` naming `operation` when the
    /// repository's scope has already ended.
    func pointer(for operation: @autoclosure () -> String) throws -> OpaquePointer {
        guard let handle else {
            throw GitError(
                code: .invalid,
                message: "the repository was closed when its withRepository scope ended",
                operation: operation())
        }
        return handle
    }

    /// Looks up the commit `id`, runs `body` with it, and frees it.
    func withCommit<T>(
        _ id: GitObjectID,
        operation: @autoclosure () -> String,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        let repository = try pointer(for: operation())
        var oid = id.oid
        var commit: OpaquePointer?
        try GitError.check(git_commit_lookup(&commit, repository, &oid), operation())
        guard let commit else { throw GitError(code: .notFound, message: "no commit returned", operation: operation()) }
        defer { git_commit_free(commit) }
        return try body(commit)
    }

    /// Looks up the root tree of commit `id`, runs `body` with it, and frees
    /// it (and the commit).
    func withRootTree<T>(
        of id: GitObjectID,
        operation: @autoclosure () -> String,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        try withCommit(id, operation: operation()) { commit in
            var tree: OpaquePointer?
            try GitError.check(git_commit_tree(&tree, commit), operation())
            guard let tree else { throw GitError(code: .notFound, message: "no tree returned", operation: operation()) }
            defer { git_tree_free(tree) }
            return try body(tree)
        }
    }
}

/// libgit2 handles must not be shared between threads; see the type's notes.
@available(*, unavailable)
extension GitRepository: Sendable {}
