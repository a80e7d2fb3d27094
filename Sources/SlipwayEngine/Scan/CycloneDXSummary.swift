import Foundation

/// What an SBOM in CycloneDX JSON lists: its components by type. Packages are the components
/// that are neither files nor the operating system (syft lists the distribution as one).
struct CycloneDXSummary: Sendable, Equatable {
    /// The spec version the SBOM declares (`1.6`).
    var specVersion: String
    /// Component type → how many, over the whole tree of components.
    var componentsByType: [String: Int]

    var packages: Int {
        componentsByType.filter { $0.key != "file" && $0.key != "operating-system" }.values.reduce(0, +)
    }

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    private struct Document: Decodable {
        var bomFormat: String?
        var specVersion: String?
        var components: [Component]?
    }

    private struct Component: Decodable {
        var type: String?
        var components: [Component]?
    }

    /// Reads `data` as a CycloneDX JSON document.
    static func read(_ data: Data) throws(Unreadable) -> CycloneDXSummary {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw Unreadable(description: "the SBOM is not CycloneDX JSON: \(error)")
        }
        guard document.bomFormat == "CycloneDX", let version = document.specVersion else {
            throw Unreadable(description: "the SBOM is JSON but not CycloneDX (no \"bomFormat\": \"CycloneDX\" with a \"specVersion\")")
        }
        var counts: [String: Int] = [:]
        var pending = document.components ?? []
        while let component = pending.popLast() {
            counts[component.type ?? "unknown", default: 0] += 1
            pending += component.components ?? []
        }
        return CycloneDXSummary(specVersion: version, componentsByType: counts)
    }

    /// `12 packages (10 library, 2 application)`.
    var summary: String {
        let parts = componentsByType.filter { $0.key != "file" && $0.key != "operating-system" }
            .sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
        let noun = packages == 1 ? "package" : "packages"
        return parts.isEmpty ? "\(packages) \(noun)" : "\(packages) \(noun) (\(parts.joined(separator: ", ")))"
    }
}
