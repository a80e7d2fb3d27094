import Foundation
import Testing
import Yams

/// The repository's own k8s/ manifests are not deployed by anything yet; this
/// keeps them at least well-formed Kubernetes objects until the Kubernetes target is built.
@Suite("k8s manifests")
struct RepositoryManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every manifest parses and names apiVersion, kind and metadata.name")
    func manifestsAreWellFormed() throws {
        let folder = Self.root.appendingPathComponent("k8s")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 6)
        var kinds: [String] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                let object = try #require(document as? [String: Any], "\(file) is not a mapping")
                #expect(object["apiVersion"] is String, "\(file) has no apiVersion")
                let kind = try #require(object["kind"] as? String, "\(file) has no kind")
                let metadata = object["metadata"] as? [String: Any]
                #expect(metadata?["name"] is String, "\(file) has no metadata.name")
                kinds.append(kind)
            }
        }
        for kind in ["Namespace", "ConfigMap", "Deployment", "Service", "StatefulSet"] {
            #expect(kinds.contains(kind), "no \(kind) in k8s/")
        }
    }
}
