import Yams

/// Turns spec files into a validated `SpecSet`, or a `SpecLoadError` listing
/// every problem in every file with its file, line and column.
public enum SpecLoader {
    public static let apiVersion = "slipway/v1"

    public static func load(_ files: [SpecFile]) -> Result<SpecSet, SpecLoadError> {
        let diagnostics = DiagnosticCollector()
        var pipelines: [PipelineSpec] = []
        var environments: [EnvironmentSpec] = []
        // False once a file that may hold environments could not be read in full:
        // a stage naming a missing environment then points at that file's own
        // diagnostics, not at a second, misleading "unknown environment".
        var environmentsComplete = true
        for file in files.sorted(by: { $0.path < $1.path }) {
            let mayHoldEnvironments = !file.path.hasPrefix("pipelines/")
            let reported = diagnostics.diagnostics.count
            let nodes = documents(in: file, diagnostics)
            if mayHoldEnvironments, diagnostics.diagnostics.count > reported { environmentsComplete = false }
            for document in nodes {
                switch decodeDocument(document, file: file.path, diagnostics) {
                case .pipeline(let pipeline)?: pipelines.append(pipeline)
                case .environment(let environment)?: environments.append(environment)
                case nil: if mayHoldEnvironments { environmentsComplete = false }
                }
            }
        }
        if files.isEmpty {
            diagnostics.report(
                "no specs found; expected pipelines/*.yaml and environments/*.yaml",
                at: .start(of: "pipelines")
            )
        }
        let set = SpecSet(pipelines: pipelines, environments: environments)
        SpecValidator.validate(set, environmentsComplete: environmentsComplete, diagnostics)
        if !diagnostics.isEmpty {
            return .failure(SpecLoadError(diagnostics: diagnostics.diagnostics))
        }
        return .success(set)
    }

    private enum Document {
        case pipeline(PipelineSpec)
        case environment(EnvironmentSpec)
    }

    private static func documents(in file: SpecFile, _ diagnostics: DiagnosticCollector) -> [SpecNode] {
        // Documents are read one by one from the parser: `compose_all`'s sequence
        // swallows a syntax error (it ends the sequence and keeps the error aside),
        // which would hide malformed YAML and duplicate keys behind "holds no spec".
        var nodes: [Node] = []
        do {
            let parser = try Parser(yaml: file.contents)
            while let node = try parser.nextRoot() {
                // Aliases are expanded by the parser: a few lines can stand for billions of
                // nodes ("billion laughs"). Count with a budget before anything walks the tree.
                var budget = maximumNodesPerFile
                guard withinBudget(node, &budget) else {
                    diagnostics.report(
                        "the file expands to more than \(maximumNodesPerFile) YAML nodes (through anchors and aliases); expected a spec of ordinary size",
                        at: SourceLocation(file: file.path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
                    )
                    return []
                }
                nodes.append(node)
            }
            if nodes.isEmpty {
                diagnostics.report("the file holds no spec; expected a document with apiVersion, kind, metadata and spec", at: .start(of: file.path))
            }
        } catch let error as YamlError {
            let (message, mark) = describe(error)
            diagnostics.report(message, at: SourceLocation(file: file.path, line: mark?.line ?? 1, column: mark?.column ?? 1))
        } catch {
            diagnostics.report("could not read YAML: \(error)", at: .start(of: file.path))
        }
        return nodes.map { SpecNode($0, file: file.path) }
    }

    /// More nodes than any real spec has, and few enough to walk in milliseconds.
    static let maximumNodesPerFile = 100_000

    /// Counts `node`'s tree against `budget`, stopping as soon as it runs out.
    private static func withinBudget(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias:
            return true
        case .sequence(let sequence):
            for item in sequence where !withinBudget(item, &budget) { return false }
            return true
        case .mapping(let mapping):
            for (key, value) in mapping where !withinBudget(key, &budget) || !withinBudget(value, &budget) { return false }
            return true
        }
    }

    /// A YAML parser's error in words, with where it is when known (specs and ignore files alike).
    static func describe(_ error: YamlError) -> (String, Mark?) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text): " } ?? ""
            return ("malformed YAML: \(prefix)\(problem)", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping; each key may appear once", context.mark)
        case .reader(let problem, _, _, _):
            return ("the file is not readable text: \(problem)", nil)
        default:
            return ("malformed YAML: \(error)", nil)
        }
    }

    private static func decodeDocument(_ document: SpecNode, file: String, _ diagnostics: DiagnosticCollector) -> Document? {
        guard let root = MappingReader(
            document, what: "a spec document", allowedKeys: ["apiVersion", "kind", "metadata", "spec"], diagnostics: diagnostics
        ) else { return nil }
        if let version = root.string("apiVersion", required: true), version != apiVersion {
            root.report("unsupported apiVersion \"\(version)\"; expected \"\(apiVersion)\"", at: "apiVersion")
        }
        let expectedKind = SpecFile.directories.first { file.hasPrefix($0.directory + "/") }?.kind
        guard let kind = root.string("kind", required: true) else { return nil }
        guard ["Pipeline", "Environment"].contains(kind) else {
            root.report("unknown kind \"\(kind)\"; expected Pipeline or Environment", at: "kind")
            return nil
        }
        if let expectedKind, kind != expectedKind {
            root.report("\(article(kind)) \(kind) does not belong in \(file.split(separator: "/").first ?? "")/; expected kind \(expectedKind) here", at: "kind")
            // Reading it as the other kind would only add unknown-key noise.
            return nil
        }
        let named = decodeMetadata(root)
        let specKeys = kind == "Pipeline" ? PipelineSpec.specKeys : EnvironmentSpec.specKeys
        guard let spec = root.mapping("spec", what: "the spec of \(article(kind)) \(kind)", allowedKeys: specKeys, required: true),
              let (metadata, location) = named
        else { return nil }
        if kind == "Pipeline" {
            return PipelineSpec.decode(spec: spec, metadata: metadata, location: location).map(Document.pipeline)
        }
        return EnvironmentSpec.decode(spec: spec, metadata: metadata, location: location).map(Document.environment)
    }

    private static func article(_ kind: String) -> String {
        kind.first.map { "AEIOU".contains($0) } == true ? "an" : "a"
    }

    /// The document's metadata, and where its name is written (the place problems with the whole document point to).
    private static func decodeMetadata(_ root: MappingReader) -> (SpecMetadata, SourceLocation)? {
        guard let metadata = root.mapping("metadata", what: "metadata", allowedKeys: ["name", "labels"], required: true),
              let name = metadata.string("name", required: true)
        else { return nil }
        if !SpecMetadata.isValidName(name) {
            metadata.report("metadata.name must be \(SpecMetadata.nameExpectation), found \"\(name)\"", at: "name")
            return nil
        }
        return (SpecMetadata(name: name, labels: metadata.stringMap("labels") ?? [:]), metadata.keyLocation("name"))
    }
}
