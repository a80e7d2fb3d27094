import CGit2

/// Cloning and fetching: keeping Slipway's copy of a team's repository up to
/// date.
///
/// Slipway keeps a bare clone (a mirror) of each repository it releases
/// from. A bare repository has no branch checked out, so fetching can move
/// every `refs/heads/*` to match the remote, and `resolve("main")` then means
/// "main as the remote has it", which is what a webhook or a poll reports.
extension GitRepository {
    /// Clones `url` into `path`, which must not exist or be empty.
    ///
    /// `url` may be a `file://` URL, a plain local path, or an `https://` URL
    /// (public, or with credentials in the URL; proxies are taken from git
    /// config and the usual environment variables; `url.<base>.insteadOf`
    /// rewrites are not applied, see `fetch`). With `bare` (the
    /// default) the clone is a mirror: every remote branch becomes a local
    /// branch, as `fetch` keeps them; remote-tracking `origin/*` branches and
    /// tags are kept too.
    ///
    /// - Throws: `GitError` naming the URL and the path.
    public static func clone(from url: String, to path: String, bare: Bool = true) throws {
        LibGit2.initialize()
        let operation = "clone \(url) into \(path)"
        var options = git_clone_options()
        try GitError.check(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), operation)
        options.bare = bare ? 1 : 0
        options.fetch_opts.proxy_opts.type = GIT_PROXY_AUTO
        // The default remote creation scans git config with a regular
        // expression for `url.*.insteadOf`, which leaks in libgit2 1.5.1 (see
        // `fetch(_:remote:operation:)`); create "origin" without that scan.
        options.remote_cb = { out, repository, name, url, _ in
            var create = git_remote_create_options()
            let initialized = git_remote_create_options_init(&create, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
            guard initialized == 0 else { return initialized }
            create.repository = repository
            create.name = name
            create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue
            return git_remote_create_with_opts(out, url, &create)
        }

        var repository: OpaquePointer?
        try GitError.check(git_clone(&repository, url, path, &options), operation)
        defer { git_repository_free(repository) }
        guard let repository else { return }
        // libgit2 makes a local branch only for the remote's HEAD; a second
        // fetch with the mirror refspec creates the others.
        if bare {
            try fetch(repository, remote: "origin", operation: operation)
        }
    }

    /// Downloads new commits from `remote` and moves its refs.
    ///
    /// Updates the remote-tracking branches the remote's configured fetch
    /// refspecs name (`refs/remotes/<remote>/*`) and tags that point into the
    /// fetched history. In a bare repository every `refs/heads/*` is also
    /// force-updated to the remote's branch of the same name, so the local
    /// branches mirror the remote (including after a force-push), and every
    /// new tag is fetched. Branches deleted on the remote are not pruned, and
    /// existing tags are not moved.
    ///
    /// - Throws: `GitError` when the remote does not exist or cannot be
    ///   reached (`isRetryable` tells a network failure from the rest).
    public func fetch(remote: String = "origin") throws {
        let operation = "fetch from remote '\(remote)' into \(path)"
        let repository = try pointer(for: operation)
        try Self.fetch(repository, remote: remote, operation: operation)
    }

    /// The refspec that mirrors a remote's branches as local branches.
    static let mirrorBranches = "+refs/heads/*:refs/heads/*"

    /// Fetches the remote `name` into an open repository.
    ///
    /// The remote is rebuilt as an anonymous in-memory remote from its
    /// configured URL and fetch refspecs, read by exact key, instead of
    /// `git_remote_lookup`. libgit2 1.5.1 leaks a PCRE2 match block (about
    /// 20 KiB) for every config entry a regular-expression config scan
    /// rejects (fixed upstream in libgit2 PR #6382, 1.6), and named-remote
    /// lookup and fetch run such scans several times: about 1 MB per fetch,
    /// which a runner polling every few seconds cannot afford. The cost is
    /// that `url.<base>.insteadOf` rewriting and `remote.<name>.prune` /
    /// `tagopt` are not applied.
    private static func fetch(_ repository: OpaquePointer, remote name: String, operation: String) throws {
        let settings = try RemoteSettings(repository, name: name, operation: operation)
        let isBare = git_repository_is_bare(repository) == 1
        var refspecs = settings.fetchRefspecs
        if isBare, !refspecs.contains(mirrorBranches) {
            refspecs.insert(mirrorBranches, at: 0)
        }
        guard !refspecs.isEmpty else {
            throw GitError(code: .invalidSpec, message: "remote '\(name)' has no fetch refspec", operation: operation)
        }

        var createOptions = git_remote_create_options()
        try GitError.check(
            git_remote_create_options_init(&createOptions, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION)), operation)
        createOptions.repository = repository
        createOptions.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue
        var remote: OpaquePointer?
        try GitError.check(git_remote_create_with_opts(&remote, settings.url, &createOptions), operation)
        defer { git_remote_free(remote) }

        var options = git_fetch_options()
        try GitError.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), operation)
        options.proxy_opts.type = GIT_PROXY_AUTO
        // A mirror takes every tag; a working clone those pointing into what
        // it fetched, as `git fetch` does.
        options.download_tags = isBare ? GIT_REMOTE_DOWNLOAD_TAGS_ALL : GIT_REMOTE_DOWNLOAD_TAGS_AUTO
        try LibGit2.withStringArray(refspecs) { array in
            try GitError.check(git_remote_fetch(remote, &array, &options, "fetch: \(name)"), operation)
        }
    }
}

/// A remote's URL and fetch refspecs as the repository's git config states
/// them (`remote.<name>.url`, every `remote.<name>.fetch`).
private struct RemoteSettings {
    var url: String
    var fetchRefspecs: [String]

    init(_ repository: OpaquePointer, name: String, operation: String) throws {
        var config: OpaquePointer?
        try GitError.check(git_repository_config_snapshot(&config, repository), operation)
        defer { git_config_free(config) }

        var url = git_buf()
        defer { git_buf_dispose(&url) }
        let found = git_config_get_string_buf(&url, config, "remote.\(name).url")
        if found == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            throw GitError(code: .notFound, message: "remote '\(name)' does not exist", operation: operation)
        }
        try GitError.check(found, operation)
        self.url = LibGit2.string(url.ptr)

        // A multivar read by exact name (no regular expression).
        var refspecs: [String] = []
        let result = withUnsafeMutablePointer(to: &refspecs) { list in
            git_config_get_multivar_foreach(config, "remote.\(name).fetch", nil, { entry, payload in
                guard let entry, let payload else { return 0 }
                payload.assumingMemoryBound(to: [String].self).pointee.append(LibGit2.string(entry.pointee.value))
                return 0
            }, list)
        }
        if result != GIT_ENOTFOUND.rawValue {
            try GitError.check(result, operation)
        } else {
            git_error_clear()
        }
        self.fetchRefspecs = refspecs
    }
}
