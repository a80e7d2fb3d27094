import Foundation
import SlipwayCore
import SlipwayGit

/// Where a command reads specs from: a local repository, or a remote one cloned
/// (bare) under the state directory and fetched on each use.
struct SpecSource {
    var options: GlobalOptions

    /// The resolved commit and its spec files.
    struct Snapshot {
        var commit: GitCommitInfo
        var files: [SpecFile]
    }

    func withRepository<T>(_ body: (GitRepository) throws -> T) throws -> T {
        guard options.repoIsRemote else {
            let path = absolute(options.repo)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandError("the repository \(path) does not exist; pass --repo with a git repository's path or URL")
            }
            return try GitRepository.withRepository(at: path, body)
        }
        let mirror = options.resolvedStateDirectory + "/repos/" + SpecSource.mirrorName(for: options.repo)
        if !FileManager.default.fileExists(atPath: mirror) {
            printNote("cloning \(options.repo) …")
            try FileManager.default.createDirectory(atPath: options.resolvedStateDirectory + "/repos", withIntermediateDirectories: true)
            try GitRepository.clone(from: options.repo, to: mirror, bare: true)
            return try GitRepository.withRepository(at: mirror, body)
        }
        return try GitRepository.withRepository(at: mirror) { repository in
            try repository.fetch()
            return try body(repository)
        }
    }

    /// The path of the repository commands read from: the local one, or the remote's mirror
    /// (cloned or fetched now).
    func repositoryPath() throws -> String {
        try withRepository { _ in () }
        return options.repoIsRemote
            ? options.resolvedStateDirectory + "/repos/" + SpecSource.mirrorName(for: options.repo) : absolute(options.repo)
    }

    func snapshot(at revision: String) throws -> Snapshot {
        try withRepository { repository in
            let id = try repository.resolve(revision)
            return Snapshot(commit: try repository.commit(id), files: try repository.specFiles(at: id))
        }
    }

    /// A folder name for a remote URL: readable, and distinct for distinct URLs.
    static func mirrorName(for url: String) -> String {
        let readable = url.split(whereSeparator: { "/:@".contains($0) }).suffix(2).joined(separator: "-")
            .filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in url.utf8 {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        return "\(readable)-\(String(hash, radix: 16))"
    }

    /// Spec files as they are in the work tree, uncommitted changes included.
    static func worktreeFiles(at root: String) throws -> [SpecFile] {
        var files: [SpecFile] = []
        for (directory, _) in SpecFile.directories {
            let folder = root + "/" + directory
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where SpecFile.isSpecPath(directory + "/" + name) {
                guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else {
                    throw CommandError("cannot read \(directory)/\(name) as UTF-8 text")
                }
                files.append(SpecFile(path: directory + "/" + name, contents: text))
            }
        }
        return files
    }
}
