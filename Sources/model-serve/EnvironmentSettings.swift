import Foundation
import ModelServe

/// `MODELSERVE_*` environment variables, read with errors that name the variable.
struct EnvironmentSettings {
    static let prefix = "MODELSERVE_"
    let environment: [String: String]

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    func string(_ name: String) -> String? {
        guard let value = environment[Self.prefix + name], !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw ConfigurationError("\(Self.prefix)\(name)=\(text): expected a whole number") }
        return value
    }

    func double(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text) else { throw ConfigurationError("\(Self.prefix)\(name)=\(text): expected a number") }
        return value
    }

    /// A comma-separated list.
    func list(_ name: String) -> [String]? {
        string(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// The flag's value if given, else the variable's, parsed as a duration.
    func duration(_ flagValue: String?, _ name: String, _ flag: String) throws(ConfigurationError) -> Duration? {
        if let flagValue {
            guard let value = DurationText.parse(flagValue) else {
                throw ConfigurationError("\(flag) \(flagValue): expected a duration such as 500ms, 30s, 5m or 1h")
            }
            return value
        }
        guard let text = string(name) else { return nil }
        guard let value = DurationText.parse(text) else {
            throw ConfigurationError("\(Self.prefix)\(name)=\(text): expected a duration such as 500ms, 30s, 5m or 1h")
        }
        return value
    }
}
