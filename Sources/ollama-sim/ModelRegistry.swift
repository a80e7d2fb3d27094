import Crypto
import Foundation
import OllamaKit

/// The simulator's models: what `/api/tags` lists, `/api/pull` and `/api/create` add,
/// `/api/delete` removes, and which of them are "loaded" for `/api/ps`.
actor ModelRegistry {
    /// One model the simulator knows.
    struct Model: Sendable {
        var name: String
        var digest: String
        var size: Int64
        var modifiedAt: Date
        var family: String
        var parameterSize: String
        var modelfile: String
        var system: String?
        var parent: String?
        /// The model's ancestry, the base weights first and the model itself last
        /// (`["sim-small:latest", "ramsey-model:latest"]`). A model made `FROM` another answers
        /// with its base's words and inherits the faults of every ancestor.
        var lineage: [String]

        /// The base weights the model was made from (itself for a pulled or built-in model).
        var base: String { lineage.first ?? name }

        var details: ModelDetails {
            ModelDetails(
                parentModel: parent ?? "", format: "gguf", family: family, families: [family],
                parameterSize: parameterSize, quantizationLevel: "Q4_K_M"
            )
        }

        var summary: ModelSummary {
            ModelSummary(
                name: name, model: name, modifiedAt: modifiedAt.ISO8601Format(), size: size, digest: digest,
                details: details
            )
        }
    }

    /// The models every simulator starts with, besides those named by `--model`.
    static let defaultModels = ["sim-small:latest", "sim-large:latest"]

    private var models: [String: Model] = [:]
    /// Loaded models and when they unload.
    private var loaded: [String: Date] = [:]

    init(extraModels: [String]) {
        for name in Self.defaultModels + extraModels {
            let model = Self.makeModel(name: name, modelfile: "FROM \(name)\n", system: nil, parent: nil)
            models[model.name] = model
        }
    }

    /// The model called `name` (tag optional), if present.
    func model(named name: String) -> Model? {
        models[OllamaModelName.normalized(name)]
    }

    /// Every model, sorted by name.
    func all() -> [Model] {
        models.values.sorted { $0.name < $1.name }
    }

    /// Adds (or replaces) a model and returns it.
    @discardableResult
    func add(name: String, modelfile: String, system: String?, parent: Model?) -> Model {
        let model = Self.makeModel(name: name, modelfile: modelfile, system: system, parent: parent)
        models[model.name] = model
        return model
    }

    /// Removes a model; false when there was none.
    func remove(named name: String) -> Bool {
        let key = OllamaModelName.normalized(name)
        loaded[key] = nil
        return models.removeValue(forKey: key) != nil
    }

    /// Marks a model loaded for `keepAlive` (Ollama's default is five minutes); `0` unloads it.
    /// Returns whether it was loaded before.
    @discardableResult
    func touch(_ name: String, keepAlive: KeepAlive?) -> Bool {
        let key = OllamaModelName.normalized(name)
        let wasLoaded = loaded[key].map { $0 > Date() } ?? false
        let seconds = Self.seconds(keepAlive) ?? 300
        if seconds == 0 {
            loaded[key] = nil
        } else {
            loaded[key] = seconds < 0 ? Date.distantFuture : Date().addingTimeInterval(seconds)
        }
        return wasLoaded
    }

    /// The models loaded now, with their unload times.
    func running() -> [(Model, Date)] {
        let now = Date()
        return loaded.filter { $0.value > now }.compactMap { name, expiry in models[name].map { ($0, expiry) } }
            .sorted { $0.0.name < $1.0.name }
    }

    /// A model record; the digest is the SHA-256 of its name and Modelfile, so it is stable.
    static func makeModel(name: String, modelfile: String, system: String?, parent: Model?) -> Model {
        let normalized = OllamaModelName.normalized(name)
        let digest = SHA256.hash(data: Data("ollama-sim\u{0}\(normalized)\u{0}\(modelfile)".utf8))
            .map { String(format: "%02x", $0) }.joined()
        let large = normalized.contains("large")
        return Model(
            name: normalized, digest: digest, size: large ? 4_920_753_328 : 1_321_098_329, modifiedAt: Date(),
            family: "llama", parameterSize: large ? "8.0B" : "1.2B", modelfile: modelfile, system: system,
            parent: parent?.name, lineage: (parent?.lineage ?? []) + [normalized]
        )
    }

    /// `keep_alive` in seconds: a number, or a duration such as `"5m"`, `"30s"`, `"1h"`, `"-1"`.
    static func seconds(_ keepAlive: KeepAlive?) -> Double? {
        switch keepAlive {
        case nil: return nil
        case .seconds(let seconds): return Double(seconds)
        case .duration(let text):
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
            for (suffix, factor) in units where text.hasSuffix(suffix) {
                if let value = Double(text.dropLast(suffix.count)) { return value * factor }
            }
            return Double(text)
        }
    }
}
