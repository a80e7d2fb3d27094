import Foundation

/// The runner's secrets file: `NAME=VALUE` lines (blank lines and `#` comments ignored), owned by
/// whoever runs Slipway. A build step gets the ones it names in `secrets:` and no other; the
/// values never appear in a spec, a log line of Slipway's or a command line.
struct BuildSecrets: Sendable, Equatable {
    /// The file read, for messages (nil when there is none).
    var file: String?
    var values: [String: String]

    /// The secrets in `file`; none when `file` is nil, or when it is the default one and missing.
    static func load(file: String?, required: Bool) throws(BuildError) -> BuildSecrets {
        guard let file else { return BuildSecrets(file: nil, values: [:]) }
        guard FileManager.default.fileExists(atPath: file) else {
            if !required { return BuildSecrets(file: nil, values: [:]) }
            throw .secretsFile(path: file, message: "it does not exist")
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .secretsFile(path: file, message: "it cannot be read: \(error.localizedDescription)")
        }
        var values: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw .secretsFile(path: file, message: "line \(number + 1) is not NAME=VALUE")
            }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            values[name] = String(trimmed[trimmed.index(after: equals)...])
        }
        return BuildSecrets(file: file, values: values)
    }

    /// The secrets `step` names, by name.
    func named(_ names: [String], step: String) throws(BuildError) -> [String: String] {
        var chosen: [String: String] = [:]
        for name in names {
            guard let value = values[name] else {
                throw .secretMissing(step: step, name: name, file: file)
            }
            chosen[name] = value
        }
        return chosen
    }
}
