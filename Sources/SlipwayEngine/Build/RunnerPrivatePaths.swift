import Foundation

/// The runner's own files that no build step or scanner may see, wherever they are: Slipway's
/// state directory (ledger credentials, other runs), the runner's secrets file (`--secrets-file`),
/// the ledger's signing key (`--signing-key`), and the runner's HOME (and `/root` when the
/// runner is root). A directory is covered by an empty tmpfs, a file by an empty one.
struct RunnerPrivatePaths: Sendable, Equatable {
    var directories: [String] = []
    var files: [String] = []

    /// The private paths of a runner with `settings` and state directory `stateDirectory`.
    static func of(_ settings: BuildSandbox.Settings, stateDirectory: String, defaultSecretsFile: String) -> RunnerPrivatePaths {
        var homes = [settings.runnerHome ?? Self.runnerHome()].compactMap { $0 }
        if getuid() == 0 { homes.append("/root") }
        var paths = RunnerPrivatePaths()
        for candidate in [stateDirectory] + homes + [settings.secretsFile ?? defaultSecretsFile] + [settings.signingKeyFile].compactMap({ $0 }) {
            let path = URL(fileURLWithPath: candidate).standardizedFileURL.path
            guard path != "/", !paths.directories.contains(where: { isInside(path, $0) }) else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                paths.directories.removeAll { isInside($0, path) }
                paths.files.removeAll { isInside($0, path) }
                paths.directories.append(path)
            } else if !paths.files.contains(path) {
                paths.files.append(path)
            }
        }
        return paths
    }

    /// The runner's HOME: `$HOME`, else its passwd entry's.
    static func runnerHome() -> String? {
        if let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/") { return home }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }

    /// These paths in `profile`. When the sandbox's user is not the runner's (`asOthers`), only
    /// the ones that user could reach at all: bubblewrap runs as that user, and cannot mount
    /// over what it cannot reach (which that user cannot read either).
    func hide(in profile: inout SandboxProfile, asOthers: Bool) {
        for directory in directories where !asOthers || Self.reachableByOthers(directory) {
            if !profile.hidden.contains(directory) { profile.hidden.append(directory) }
        }
        for file in files where !asOthers || Self.reachableByOthers(file) {
            profile.hiddenFiles.append(file)
        }
    }

    /// Whether `path` is `ancestor` or inside it.
    static func isInside(_ path: String, _ ancestor: String) -> Bool {
        path == ancestor || path.hasPrefix(ancestor.hasSuffix("/") ? ancestor : ancestor + "/")
    }

    /// Whether a user who is neither the owner nor in the group can reach `path`: every
    /// directory above it searchable by others (`o+x`), and it exists.
    static func reachableByOthers(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        var directory = (path as NSString).deletingLastPathComponent
        while !directory.isEmpty {
            guard stat(directory, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
            if directory == "/" { break }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return true
    }

    /// Whether others may read (and, for a directory, search) `path`, and reach it.
    static func readableByOthers(_ path: String) -> Bool {
        var info = stat()
        guard reachableByOthers(path), stat(path, &info) == 0, info.st_mode & S_IROTH != 0 else { return false }
        return (info.st_mode & S_IFMT) != S_IFDIR || info.st_mode & S_IXOTH != 0
    }
}
