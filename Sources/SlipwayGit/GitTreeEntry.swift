import CGit2

/// One entry of a directory (a git tree) at some commit.
///
/// `listDirectory(_:at:)` returns these so a caller can walk a revision's
/// files without checking it out, e.g. to find the specs under `pipelines/`.
public struct GitTreeEntry: Hashable, Sendable, CustomStringConvertible {
    /// What an entry is, from its git file mode.
    public enum Kind: String, Hashable, Sendable {
        /// A regular file (mode 100644 or 100755; see `isExecutable`).
        case file
        /// A subdirectory (a tree).
        case directory
        /// A symbolic link (mode 120000); its blob holds the link target.
        case symlink
        /// A submodule (mode 160000); `id` is a commit in another repository.
        case submodule
    }

    /// The entry's name within its directory, e.g. `prod.yaml`.
    public var name: String
    /// The path from the repository root, e.g. `environments/prod.yaml`.
    public var path: String
    public var kind: Kind
    /// Whether a file carries the executable bit (mode 100755).
    public var isExecutable: Bool
    /// The blob, tree or (for a submodule) commit the entry points at.
    public var id: GitObjectID

    public init(name: String, path: String, kind: Kind, isExecutable: Bool = false, id: GitObjectID) {
        self.name = name
        self.path = path
        self.kind = kind
        self.isExecutable = isExecutable
        self.id = id
    }

    public var description: String { "\(kind.rawValue) \(path)" }
}

// MARK: - The C boundary

extension GitTreeEntry {
    /// Copies a `git_tree_entry` (borrowed or owned; the caller frees it if it
    /// owns it) found in the directory `parent` ("" for the root).
    init(entry: OpaquePointer, parent: String) {
        let name = LibGit2.string(git_tree_entry_name(entry))
        let mode = git_tree_entry_filemode(entry)
        self.init(
            name: name,
            path: parent.isEmpty ? name : "\(parent)/\(name)",
            kind: Kind(mode),
            isExecutable: mode == GIT_FILEMODE_BLOB_EXECUTABLE,
            id: GitObjectID(git_tree_entry_id(entry))
        )
    }
}

extension GitTreeEntry.Kind {
    /// Maps a git file mode to a kind. Unknown modes (git has none today) are
    /// treated as files, which is how git itself checks them out.
    init(_ mode: git_filemode_t) {
        switch mode {
        case GIT_FILEMODE_TREE: self = .directory
        case GIT_FILEMODE_LINK: self = .symlink
        case GIT_FILEMODE_COMMIT: self = .submodule
        default: self = .file
        }
    }
}
