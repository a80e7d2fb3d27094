extension PipelineSpec {
    static let specKeys = ["source", "build", "scan", "model", "checks", "analyses", "stages"]

    /// Reads the `spec:` of a Pipeline document. Returns nil when a required part is
    /// missing; every problem found is reported to the reader's collector either way.
    static func decode(spec: MappingReader, metadata: SpecMetadata, location: SourceLocation) -> PipelineSpec? {
        let source = decodeSource(spec)
        let build = (spec.sequence("build") ?? []).compactMap { decodeBuildStep($0, spec.diagnostics) }
        reportDuplicates(build.map { ($0.name, $0.location) }, what: "build step", spec.diagnostics)
        let scan = (spec.sequence("scan") ?? []).compactMap { decodeScanEntry($0, spec.diagnostics) }
        let model = spec.mapping("model", what: "model", allowedKeys: ["name", "modelfile"]).flatMap { reader -> ModelSpec? in
            guard let name = reader.string("name", required: true) else { return nil }
            return ModelSpec(name: name, modelfile: reader.string("modelfile"))
        }
        let checks = (spec.namedEntries("checks") ?? []).compactMap {
            CheckSpec.decode(name: $0.name, location: $0.location, node: $0.value, spec.diagnostics)
        }
        let analyses = (spec.namedEntries("analyses") ?? []).compactMap {
            AnalysisTemplate.decode(name: $0.name, location: $0.location, node: $0.value, spec.diagnostics)
        }
        guard let stageNodes = spec.sequence("stages", required: true) else { return nil }
        if stageNodes.isEmpty {
            spec.report("a pipeline needs at least one stage in 'stages'", at: "stages")
        }
        let stages = stageNodes.compactMap { StageSpec.decode($0, spec.diagnostics) }
        guard stages.count == stageNodes.count else { return nil }
        return PipelineSpec(
            metadata: metadata, location: location, source: source, build: build, scan: scan,
            model: model, checks: checks, analyses: analyses, stages: stages
        )
    }

    private static func decodeSource(_ spec: MappingReader) -> SourceFilter {
        var source = SourceFilter()
        guard let reader = spec.mapping("source", what: "source", allowedKeys: ["branch", "paths", "pollInterval"]) else {
            return source
        }
        if let branch = reader.string("branch") {
            if branch.isEmpty || branch.contains(" ") || branch.hasPrefix("-") || branch.contains("..") {
                reader.report("'branch' must be a git branch name such as main, found \"\(branch)\"", at: "branch")
            } else {
                source.branch = branch
            }
        }
        if let paths = reader.stringList("paths") { source.paths = paths }
        if let interval = reader.duration("pollInterval") {
            if interval < .seconds(5) {
                reader.report("'pollInterval' must be at least 5s", at: "pollInterval")
            } else {
                source.pollInterval = interval
            }
        }
        return source
    }

    private static func decodeBuildStep(_ node: SpecNode, _ diagnostics: DiagnosticCollector) -> BuildStep? {
        guard let reader = MappingReader(
            node, what: "a build step",
            allowedKeys: ["name", "run", "env", "workingDirectory", "timeout", "produces", "cache"],
            diagnostics: diagnostics
        ) else { return nil }
        let name = reader.string("name", required: true)
        if let name, !SpecMetadata.isValidName(name) {
            reader.report("build step name must be \(SpecMetadata.nameExpectation), found \"\(name)\"", at: "name")
        }
        let run = reader.stringList("run", required: true)
        if let run, run.isEmpty {
            reader.report("'run' must name a program and its arguments, e.g. [\"swift\", \"build\"]", at: "run")
        }
        let timeout = reader.duration("timeout")
        if let timeout, timeout <= .zero {
            reader.report("'timeout' must be longer than 0s", at: "timeout")
        }
        let produces = reader.stringMap("produces") ?? [:]
        for (artifact, path) in produces where path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            reader.report("artifact '\(artifact)' must be a path inside the checkout, found \"\(path)\"", at: "produces")
        }
        let cache = reader.stringList("cache") ?? []
        for path in cache where path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            reader.report("cache path must be inside the checkout, found \"\(path)\"", at: "cache")
        }
        guard let name, let run, !run.isEmpty else { return nil }
        return BuildStep(
            name: name, location: reader.location, run: run, env: reader.stringMap("env") ?? [:],
            workingDirectory: reader.string("workingDirectory"), timeout: timeout ?? .seconds(1800),
            produces: produces, cache: cache
        )
    }

    private static func decodeScanEntry(_ node: SpecNode, _ diagnostics: DiagnosticCollector) -> ScanEntry? {
        guard let reader = MappingReader(
            node, what: "a scan entry",
            allowedKeys: ["scanner", "sbom", "failOn", "ignoreUnfixed", "ignore", "optional"],
            diagnostics: diagnostics
        ) else { return nil }
        let optional = reader.bool("optional") ?? false
        switch (reader.has("scanner"), reader.has("sbom")) {
        case (true, false):
            guard let name = reader.string("scanner") else { return nil }
            guard let scanner = VulnerabilityScan.Scanner(rawValue: name) else {
                reader.report(
                    "unknown scanner \"\(name)\"; expected one of: \(VulnerabilityScan.Scanner.allCases.map(\.rawValue).joined(separator: ", "))",
                    at: "scanner"
                )
                return nil
            }
            var failOn = Severity.high
            if let text = reader.string("failOn") {
                if let severity = Severity(rawValue: text.lowercased()) {
                    failOn = severity
                } else {
                    reader.report(
                        "unknown severity \"\(text)\" for 'failOn'; expected one of: \(Severity.allCases.map(\.rawValue).joined(separator: ", "))",
                        at: "failOn"
                    )
                }
            }
            return .vulnerabilities(VulnerabilityScan(
                scanner: scanner, location: reader.location, failOn: failOn,
                ignoreUnfixed: reader.bool("ignoreUnfixed") ?? false, ignoreFile: reader.string("ignore"), optional: optional
            ))
        case (false, true):
            for key in ["failOn", "ignoreUnfixed", "ignore"] where reader.has(key) {
                diagnostics.report("'\(key)' applies to vulnerability scanners, not to an sbom entry", at: reader.keyLocation(key))
            }
            guard let name = reader.string("sbom") else { return nil }
            guard let tool = SBOMScan.Tool(rawValue: name) else {
                reader.report("unknown SBOM tool \"\(name)\"; expected one of: \(SBOMScan.Tool.allCases.map(\.rawValue).joined(separator: ", "))", at: "sbom")
                return nil
            }
            return .sbom(SBOMScan(tool: tool, location: reader.location, optional: optional))
        default:
            reader.report("a scan entry needs exactly one of 'scanner' (trivy, grype, sarif) or 'sbom' (syft)")
            return nil
        }
    }
}

func reportDuplicates(_ items: [(String, SourceLocation)], what: String, _ diagnostics: DiagnosticCollector) {
    var first: [String: SourceLocation] = [:]
    for (name, location) in items {
        if let earlier = first[name] {
            diagnostics.report("duplicate \(what) name '\(name)'; it is already used at \(earlier)", at: location)
        } else {
            first[name] = location
        }
    }
}
