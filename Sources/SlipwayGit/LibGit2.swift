import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process-wide libgit2 runtime, and the small pieces of C plumbing every
/// file in this module shares.
///
/// libgit2 must be initialised once before any other call (it sets up its
/// threading, TLS and allocator state). Swift runs the initialiser of a global
/// `let` exactly once, under a lock, the first time the value is read, so
/// reading `LibGit2.ready` from any thread is a thread-safe "initialise once".
/// Slipway never calls `git_libgit2_shutdown`: the runtime lives as long as
/// the process, which is what libgit2 recommends for long-running programs.
enum LibGit2 {
    /// Reading this initialises libgit2 on first use; it is cheap afterwards.
    static let ready: Void = {
        let count = git_libgit2_init()
        precondition(count > 0, "git_libgit2_init failed (\(count))")
    }()

    /// Makes sure libgit2 is initialised. Every public entry point calls this.
    static func initialize() {
        _ = ready
    }

    /// Calls `body` with a `git_strarray` holding copies of `strings`. The
    /// copies are freed when `body` returns, so the array must not escape.
    static func withStringArray<T>(
        _ strings: [String],
        _ body: (inout git_strarray) throws -> T
    ) rethrows -> T {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var copy = pointers
        return try copy.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return try body(&array)
        }
    }

    /// Turns a NUL-terminated C string owned by libgit2 into a Swift string,
    /// or `""` when libgit2 has none.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
