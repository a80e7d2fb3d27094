import CGit2
import SlipwayCore

/// Reading a repository's Slipway specs at a commit.
///
/// A run is defined by (pipeline, commit), so the specs a run follows must be
/// exactly the ones committed at that commit: they are read from the object
/// database, never from a working tree that someone may have edited.
extension GitRepository {
    /// Every spec file at `commit`: the `*.yaml` and `*.yml` files directly
    /// inside `pipelines/` and `environments/` (the folders
    /// `SpecFile.directories` names), sorted by path. Subfolders, other
    /// files, symbolic links and submodules there are ignored. A spec folder
    /// that does not exist contributes nothing.
    ///
    /// The result feeds `SpecLoader`, which parses and validates the files
    /// and reports problems by file, line and column.
    ///
    /// - Throws: `GitError` when a spec file is not valid UTF-8 (naming the
    ///   file), when a spec folder is a file, or when `commit` is not a
    ///   commit in this repository.
    public func specFiles(at commit: GitObjectID) throws -> [SpecFile] {
        let operation = "read the specs at \(commit.short) in \(path)"
        return try withRootTree(of: commit, operation: operation) { root in
            var files: [SpecFile] = []
            for (directory, _) in SpecFile.directories {
                let entries = try withSubtree(directory, in: root, operation: operation) { tree in
                    tree.map { Self.entries(of: $0, parent: directory) } ?? []
                }
                for entry in entries where entry.kind == .file && SpecFile.isSpecPath(entry.path) {
                    files.append(try specFile(entry.path, in: root, at: commit))
                }
            }
            return files.sorted { $0.path < $1.path }
        }
    }

    /// Reads one spec file as UTF-8 text.
    private func specFile(_ path: String, in root: OpaquePointer, at commit: GitObjectID) throws -> SpecFile {
        let operation = "read spec file '\(path)' at \(commit.short) in \(self.path)"
        guard let data = try readBlob(path, in: root, operation: operation) else {
            throw GitError(code: .notFound, message: "the file disappeared while reading", operation: operation)
        }
        guard let text = Self.decodeUTF8(data) else {
            throw GitError(
                code: .invalid,
                message: "'\(path)' is not valid UTF-8 text; spec files must be UTF-8",
                operation: operation)
        }
        return SpecFile(path: path, contents: text)
    }
}
