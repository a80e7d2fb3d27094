import Foundation

/// An executable product this package built, found beside the test bundle.
public enum BuiltExecutable {
    /// The path of the executable called `name`, e.g. `ollama-sim`.
    public static func path(named name: String) throws -> String {
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent(name))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent(name))
        for directory in Bundle.allBundles.map(\.bundleURL) {
            candidates.append(directory.deletingLastPathComponent().appendingPathComponent(name))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        throw TemporaryDirectoryError(message: "the \(name) executable was not built; looked in \(candidates.map(\.path))")
    }
}
