import Foundation

/// Where a scanner program is installed, as far as running it needs: the program, the file it
/// links to, and for a script its interpreter (and the file that links to) — e.g. syft from
/// PyPI is a script of a venv whose python links into `/root/.pyenv`.
struct ScannerInstall: Sendable, Equatable {
    /// The program and what it needs, absolute.
    var paths: [String]

    static func of(_ executable: String) -> ScannerInstall {
        var paths: [String] = []
        func add(_ path: String) {
            for candidate in [path, URL(fileURLWithPath: path).resolvingSymlinksInPath().path] where !paths.contains(candidate) {
                paths.append(candidate)
            }
        }
        add(executable)
        if let interpreter = interpreter(of: executable) { add(interpreter) }
        return ScannerInstall(paths: paths)
    }

    /// The `#!` interpreter of a script, when it is an absolute path other than `env`.
    static func interpreter(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 256), head.starts(with: Array("#!".utf8)),
              let line = String(data: head, encoding: .utf8)?.dropFirst(2).split(separator: "\n").first,
              let program = line.split(separator: " ").first.map(String.init), program.hasPrefix("/"), !program.hasSuffix("/env")
        else { return nil }
        return program
    }

    /// The directories the install lives in: each path's directory, or the one above a `bin`
    /// (`/root/.pyenv/versions/3.11.7` for its `bin/python3.11`, whose `lib` it needs).
    var prefixes: [String] {
        var prefixes: [String] = []
        for path in paths {
            var directory = (path as NSString).deletingLastPathComponent
            if ["bin", "sbin"].contains((directory as NSString).lastPathComponent) {
                directory = (directory as NSString).deletingLastPathComponent
            }
            if directory != "/", !directory.isEmpty, !prefixes.contains(directory) { prefixes.append(directory) }
        }
        return prefixes
    }

    /// Whether a user other than its owner (nobody) can run it: every path readable by others.
    var runsAsOthers: Bool {
        paths.allSatisfy(RunnerPrivatePaths.readableByOthers)
    }
}
