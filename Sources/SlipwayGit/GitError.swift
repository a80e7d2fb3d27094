import CGit2

/// A failure of a git operation: what Slipway was doing, and what libgit2 said.
///
/// Every libgit2 call that fails becomes one of these, so a person reading a
/// log line sees both halves of the story, for example
/// `cannot resolve revision 'nope' in /tmp/x: revspec 'nope' not found`.
/// The libgit2 `code` and error `errorClass` are kept so callers can branch
/// on them (`isNotFound`, `isRetryable`) without matching on text.
///
/// A few failures are found by Slipway itself rather than libgit2 (a path
/// that is a directory where a file was asked for, a spec file that is not
/// UTF-8); those carry the nearest libgit2 code and `errorClass == 0`.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// libgit2's return code (`git_error_code`): negative, `-1` is generic.
    public var code: Code
    /// libgit2's error class (`git_error_t`, e.g. 2 = OS, 12 = network),
    /// which says which subsystem failed; 0 when Slipway raised the error.
    public var errorClass: Int32
    /// libgit2's own message, from `git_error_last()`, or Slipway's when the
    /// failure was found without libgit2.
    public var message: String
    /// What Slipway was doing, phrased to follow "cannot": for example
    /// `resolve revision 'nope' in /tmp/x`.
    public var operation: String

    public init(code: Code, errorClass: Int32 = 0, message: String, operation: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.operation = operation
    }

    public var description: String {
        "cannot \(operation): \(message)"
    }

    /// The thing asked for does not exist (a revision, a remote, a path).
    public var isNotFound: Bool { code == .notFound }

    /// Whether trying again later may succeed: network, TLS, SSH and HTTP
    /// failures and lock contention are transient; everything else (a bad
    /// revision, a corrupt object, a missing repository) is terminal.
    public var isRetryable: Bool {
        if code == .locked { return true }
        let transient: [git_error_t] = [GIT_ERROR_NET, GIT_ERROR_SSL, GIT_ERROR_SSH, GIT_ERROR_HTTP]
        return transient.contains { Int32(bitPattern: $0.rawValue) == errorClass }
    }
}

extension GitError {
    /// A libgit2 return code. Only the codes Slipway looks at are named; any
    /// other value libgit2 returns is kept as it is.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let generic = Code(rawValue: GIT_ERROR.rawValue)
        public static let notFound = Code(rawValue: GIT_ENOTFOUND.rawValue)
        public static let exists = Code(rawValue: GIT_EEXISTS.rawValue)
        public static let ambiguous = Code(rawValue: GIT_EAMBIGUOUS.rawValue)
        public static let bareRepository = Code(rawValue: GIT_EBAREREPO.rawValue)
        public static let unbornBranch = Code(rawValue: GIT_EUNBORNBRANCH.rawValue)
        public static let invalidSpec = Code(rawValue: GIT_EINVALIDSPEC.rawValue)
        public static let locked = Code(rawValue: GIT_ELOCKED.rawValue)
        public static let authentication = Code(rawValue: GIT_EAUTH.rawValue)
        public static let certificate = Code(rawValue: GIT_ECERTIFICATE.rawValue)
        public static let invalid = Code(rawValue: GIT_EINVALID.rawValue)
        public static let directory = Code(rawValue: GIT_EDIRECTORY.rawValue)
        public static let owner = Code(rawValue: GIT_EOWNER.rawValue)

        public var description: String { "\(rawValue)" }
    }
}

extension GitError {
    /// Builds the error for a libgit2 call that returned `code`, taking the
    /// message libgit2 left for this thread and then clearing it, so a later
    /// failure cannot pick up a stale message.
    static func fromLastError(code: Int32, operation: String) -> GitError {
        var message = "libgit2 error \(code)"
        var errorClass: Int32 = 0
        if let last = git_error_last() {
            let text = LibGit2.string(last.pointee.message)
            if !text.isEmpty { message = text }
            errorClass = last.pointee.klass
        }
        git_error_clear()
        return GitError(code: Code(rawValue: code), errorClass: errorClass, message: message, operation: operation)
    }

    /// Throws a `GitError` when a libgit2 call returned a negative code.
    /// `operation` is only evaluated on failure.
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        if result < 0 {
            throw fromLastError(code: result, operation: operation())
        }
    }
}
