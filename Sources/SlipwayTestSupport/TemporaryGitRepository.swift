import Foundation

/// A real git repository in a temporary directory, built with the `git`
/// command-line tool, for tests.
///
/// It deliberately uses git itself, not libgit2: tests of Slipway's libgit2
/// adapter then check it against an independent implementation of git. The
/// repository is isolated from the machine's git configuration (no system or
/// global config, no signing, a fixed committer), so tests behave the same on
/// a laptop and in CI, and it is deleted when the last reference goes away.
///
/// ```swift
/// let repo = try TemporaryGitRepository()
/// try repo.write("pipelines/app.yaml", "kind: Pipeline\n")
/// let first = try repo.commit("Add the app pipeline")
/// try repo.git("tag", "v1", first)
/// ```
public final class TemporaryGitRepository: Sendable {
    /// The author `commit` uses unless told otherwise.
    public static let defaultAuthor = "Ada <ada@example.com>"
    /// The committer of every commit (configured as `user.name`/`user.email`).
    public static let committerName = "Slipway Test"
    public static let committerEmail = "test@slipway.invalid"

    /// The directory holding the repository; it owns the files on disk.
    public let directory: TemporaryDirectory

    /// The working tree's absolute path (the repository is `path/.git`).
    public var path: String { directory.path }

    /// A `file://` URL for the repository, for clone tests.
    public var fileURL: String { "file://\(path)" }

    /// Runs `git init` with `branch` as the initial branch, and configures
    /// the committer identity and `commit.gpgsign=false` locally.
    public init(branch: String = "main") throws {
        directory = try TemporaryDirectory(prefix: "slipway-git")
        try git("init", "--quiet", "--initial-branch=\(branch)")
        try git("config", "user.name", Self.committerName)
        try git("config", "user.email", Self.committerEmail)
        try git("config", "commit.gpgsign", "false")
        try git("config", "tag.gpgsign", "false")
    }

    // MARK: Files in the working tree

    /// Writes `contents` to `path` (relative to the working tree), creating
    /// folders as needed. Not staged until `commit`.
    public func write(_ path: String, _ contents: String, executable: Bool = false) throws {
        try write(path, data: Data(contents.utf8), executable: executable)
    }

    /// Writes raw bytes to `path`, e.g. to test files that are not UTF-8.
    public func write(_ path: String, data: Data, executable: Bool = false) throws {
        let url = URL(fileURLWithPath: directory.path(path))
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: url.path)
    }

    /// Creates a symbolic link at `path` pointing at `target` (stored as is).
    public func symlink(_ path: String, to target: String) throws {
        let url = URL(fileURLWithPath: directory.path(path))
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    /// Deletes the file or folder at `path`.
    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(atPath: directory.path(path))
    }

    /// Renames `path` to `newPath`, creating folders as needed.
    public func move(_ path: String, to newPath: String) throws {
        let destination = URL(fileURLWithPath: directory.path(newPath))
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: directory.path(path), toPath: destination.path)
    }

    // MARK: Git

    /// Stages every change in the working tree (`git add -A`) and commits it,
    /// allowing an empty commit. Returns the new commit's full sha.
    ///
    /// - Parameters:
    ///   - author: `Name <email>`; the committer is always
    ///     `committerName <committerEmail>`.
    ///   - date: the author and committer date; the current time if nil.
    @discardableResult
    public func commit(_ message: String, author: String = defaultAuthor, date: Date? = nil) throws -> String {
        let (name, email) = try Self.parse(author: author)
        var environment = ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email]
        if let date {
            let stamp = "@\(Int(date.timeIntervalSince1970)) +0000"
            environment["GIT_AUTHOR_DATE"] = stamp
            environment["GIT_COMMITTER_DATE"] = stamp
        }
        try git("add", "--all")
        try git(["commit", "--quiet", "--allow-empty", "--no-verify", "-m", message], environment: environment)
        return try git("rev-parse", "HEAD")
    }

    /// Runs `git` with `arguments` in the working tree and returns its
    /// standard output without the trailing newline.
    ///
    /// - Throws: `GitCommandError` with git's standard error when git exits
    ///   with a non-zero status.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try git(arguments)
    }

    /// `git(_:)` with an argument array and extra environment variables.
    @discardableResult
    public func git(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        try Self.runGit(arguments, in: path, environment: environment)
    }

    /// Runs `git` in any directory with the same isolation as the fixture,
    /// e.g. to inspect a clone a test made.
    @discardableResult
    public static func runGit(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws -> String {
        // Inherit PATH and the like, but no GIT_* variable from the outside
        // (a hook's GIT_DIR would redirect every command).
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        merged["GIT_CONFIG_NOSYSTEM"] = "1"
        merged["GIT_CONFIG_GLOBAL"] = "/dev/null"
        merged["GIT_TERMINAL_PROMPT"] = "0"
        merged.merge(environment) { _, new in new }

        // Output goes to files, not pipes: a full pipe buffer can't block git.
        let scratch = try TemporaryDirectory(prefix: "slipway-git-output")
        let outURL = URL(fileURLWithPath: scratch.path("stdout"))
        let errURL = URL(fileURLWithPath: scratch.path("stderr"))
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        defer {
            try? stdout.close()
            try? stderr.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        process.environment = merged
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()

        let output = String(decoding: try readAll(outURL), as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw GitCommandError(
                arguments: arguments, status: process.terminationStatus,
                standardError: String(decoding: try readAll(errURL), as: UTF8.self))
        }
        return output.hasSuffix("\n") ? String(output.dropLast()) : output
    }

    /// Reads a whole file through a file handle. (`Data(contentsOf:)` in
    /// swift-corelibs-foundation leaks its buffer for files whose size is
    /// not known up front, which AddressSanitizer reports on every run.)
    private static func readAll(_ url: URL) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try handle.readToEnd() ?? Data()
    }

    /// Splits `Name <email>`.
    private static func parse(author: String) throws -> (name: String, email: String) {
        guard let open = author.lastIndex(of: "<"), author.hasSuffix(">") else {
            throw GitCommandError(arguments: [], status: -1, standardError: "author '\(author)' is not 'Name <email>'")
        }
        let name = author[..<open].trimmingCharacters(in: .whitespaces)
        let email = author[author.index(after: open)..<author.index(before: author.endIndex)]
        return (name, String(email))
    }
}

/// A `git` command run by `TemporaryGitRepository` failed.
public struct GitCommandError: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32
    public var standardError: String

    public var description: String {
        "git \(arguments.joined(separator: " ")) exited with \(status): \(standardError)"
    }
}
