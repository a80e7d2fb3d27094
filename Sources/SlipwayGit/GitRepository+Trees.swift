import CGit2
import Foundation

/// Reading files and directories at a commit, straight from the object
/// database.
///
/// This is how Slipway reads specs: no checkout, no working tree, so it works
/// on a bare mirror and cannot see uncommitted edits. Paths are relative to
/// the repository root with `/` separators; leading and trailing slashes are
/// ignored, and `""` (or `/`) is the root.
extension GitRepository {
    /// The contents of the file at `path` in commit `commit`, or nil when no
    /// such path exists at that commit. A symbolic link's contents are its
    /// target, as git stores it (links are not followed).
    ///
    /// - Throws: `GitError` when `path` is a directory (`.directory`) or a
    ///   submodule, or when `commit` is not a commit in this repository.
    public func readFile(_ path: String, at commit: GitObjectID) throws -> Data? {
        let operation = "read '\(path)' at \(commit.short) in \(self.path)"
        return try withRootTree(of: commit, operation: operation) { tree in
            try readBlob(Self.normalize(path), in: tree, operation: operation)
        }
    }

    /// The file at `path` in `commit` as text, or nil when it does not exist.
    ///
    /// - Throws: `GitError` (`.invalid`) when the file is not valid UTF-8,
    ///   rather than guessing an encoding; see `readFile(_:at:)` for the rest.
    public func readText(_ path: String, at commit: GitObjectID) throws -> String? {
        guard let data = try readFile(path, at: commit) else { return nil }
        guard let text = Self.decodeUTF8(data) else {
            throw GitError(
                code: .invalid, message: "the file is not valid UTF-8 text",
                operation: "read '\(path)' at \(commit.short) in \(self.path)")
        }
        return text
    }

    /// The entries of the directory at `path` in `commit` (`""` for the
    /// root), in git's order (sorted by name).
    ///
    /// A directory that does not exist at that commit gives `[]`. Git cannot
    /// store an empty directory, so an empty result always means "missing"
    /// and callers that only iterate need no special case.
    ///
    /// - Throws: `GitError` (`.invalid`) when `path` is a file, not a
    ///   directory, or when `commit` is not a commit in this repository.
    public func listDirectory(_ path: String, at commit: GitObjectID) throws -> [GitTreeEntry] {
        let operation = "list '\(path)' at \(commit.short) in \(self.path)"
        let directory = Self.normalize(path)
        return try withRootTree(of: commit, operation: operation) { root in
            try withSubtree(directory, in: root, operation: operation) { tree in
                guard let tree else { return [] }
                return Self.entries(of: tree, parent: directory)
            }
        }
    }
}

// MARK: - Shared with the other extensions

extension GitRepository {
    /// `path` without leading or trailing slashes; `""` means the root.
    static func normalize(_ path: String) -> String {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true)
        return trimmed == ["."] ? "" : trimmed.joined(separator: "/")
    }

    /// Strictly decodes UTF-8: nil when `data` holds any invalid sequence
    /// (Swift's lenient decoder would silently substitute U+FFFD).
    static func decodeUTF8(_ data: Data) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        return text.utf8.elementsEqual(data) ? text : nil
    }

    /// Copies the entries of a loaded tree, which the caller still owns.
    static func entries(of tree: OpaquePointer, parent: String) -> [GitTreeEntry] {
        let count = git_tree_entrycount(tree)
        var entries: [GitTreeEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            // Entries from `byindex` are borrowed from the tree: not freed.
            if let entry = git_tree_entry_byindex(tree, index) {
                entries.append(GitTreeEntry(entry: entry, parent: parent))
            }
        }
        return entries
    }

    /// Calls `body` with the tree at `path` under `root` (`root` itself for
    /// `""`), or with nil when nothing exists at `path`. The subtree is freed
    /// when `body` returns.
    func withSubtree<T>(
        _ path: String, in root: OpaquePointer, operation: String,
        _ body: (OpaquePointer?) throws -> T
    ) throws -> T {
        if path.isEmpty { return try body(root) }
        guard let entry = try treeEntry(path, in: root, operation: operation) else { return try body(nil) }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
            throw GitError(code: .invalid, message: "'\(path)' is not a directory", operation: operation)
        }
        let repository = try pointer(for: operation)
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, repository, git_tree_entry_id(entry)), operation)
        defer { git_tree_free(tree) }
        return try body(tree)
    }

    /// The contents of the blob at `path` under `tree`, or nil when nothing
    /// exists there.
    func readBlob(_ path: String, in tree: OpaquePointer, operation: String) throws -> Data? {
        guard !path.isEmpty else {
            throw GitError(code: .directory, message: "the repository root is a directory", operation: operation)
        }
        guard let entry = try treeEntry(path, in: tree, operation: operation) else { return nil }
        defer { git_tree_entry_free(entry) }
        switch git_tree_entry_type(entry) {
        case GIT_OBJECT_BLOB:
            break
        case GIT_OBJECT_TREE:
            throw GitError(code: .directory, message: "'\(path)' is a directory, not a file", operation: operation)
        default:
            throw GitError(code: .invalid, message: "'\(path)' is a submodule, not a file", operation: operation)
        }
        let repository = try pointer(for: operation)
        var blob: OpaquePointer?
        try GitError.check(git_blob_lookup(&blob, repository, git_tree_entry_id(entry)), operation)
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// The entry at `path` under `tree`, owned by the caller (free it with
    /// `git_tree_entry_free`), or nil when the path does not exist.
    private func treeEntry(_ path: String, in tree: OpaquePointer, operation: String) throws -> OpaquePointer? {
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, tree, path)
        if result == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try GitError.check(result, operation)
        return entry
    }
}
