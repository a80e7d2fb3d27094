import Crypto
import Foundation
import OllamaKit

/// The Ollama name a release's model lives under.
///
/// A model created from a Modelfile in the commit is tagged with the first 12 hex digits of the
/// Modelfile's SHA-256 (`ramsey-model` → `ramsey-model:3f2a9c01b7de`; an explicit tag is kept in
/// front: `ramsey-model:v2` → `ramsey-model:v2-3f2a9c01b7de`). So a commit that changes the
/// Modelfile creates a new model beside the one the stable release serves, instead of finding
/// "ramsey-model" present and leaving the old build in place, and rolling back the service rolls
/// back the model with it. A pulled model (no Modelfile) keeps the name the spec gives.
public enum ReleaseModelName {
    public static func forRelease(specName: String, modelfile: String?) -> String {
        let name = OllamaModelName.normalized(specName.trimmingCharacters(in: .whitespaces))
        guard let modelfile else { return name }
        let hash = SHA256.hash(data: Data(modelfile.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        guard let separator = name.lastIndex(of: ":") else { return "\(name):\(hash)" }  // normalized names carry a tag
        let repository = name[..<separator]
        let tag = name[name.index(after: separator)...]
        return tag == "latest" ? "\(repository):\(hash)" : "\(repository):\(tag)-\(hash)"
    }
}
