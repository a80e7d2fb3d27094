import Foundation

/// Finds the program of a step's `run:` as a shell would.
enum ProgramLookup {
    /// The PATH used when the environment has none.
    static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    /// `program` itself when absolute; relative to `directory` when it holds a `/`
    /// (`./build.sh`); otherwise the first executable file of that name in `searchPath`.
    /// Nil when there is no such executable file.
    static func resolve(_ program: String, in directory: String, searchPath: String) -> String? {
        let files = FileManager.default
        if program.hasPrefix("/") {
            return files.isExecutableFile(atPath: program) ? program : nil
        }
        if program.contains("/") {
            let candidate = "\(directory)/\(program)"
            return files.isExecutableFile(atPath: candidate) ? candidate : nil
        }
        for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            // An empty PATH entry means the current directory.
            let base = entry.isEmpty ? directory : (entry.hasPrefix("/") ? String(entry) : "\(directory)/\(entry)")
            let candidate = "\(base)/\(program)"
            var isDirectory: ObjCBool = false
            if files.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               files.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
