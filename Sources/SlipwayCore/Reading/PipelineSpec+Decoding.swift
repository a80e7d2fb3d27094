import Foundation

extension PipelineSpec {
    static let specKeys = ["source", "build", "scan", "model", "checks", "analyses", "stages"]

    /// Reads the `spec:` of a Pipeline document. Returns nil when a required part is
    /// missing; every problem found is reported to the reader's collector either way.
    static func decode(spec: MappingReader, metadata: SpecMetadata, location: SourceLocation) -> PipelineSpec? {
        let source = decodeSource(spec)
        let build = (spec.sequence("build") ?? []).compactMap { decodeBuildStep($0, spec.diagnostics) }
        reportDuplicates(build.map { ($0.name, $0.location) }, what: "build step", spec.diagnostics)
        let scan = (spec.sequence("scan") ?? []).compactMap { decodeScanEntry($0, build: build, spec.diagnostics) }
        reportDuplicates(scan.map { ($0.name, $0.location) }, what: "scan entry", spec.diagnostics)
        checkScanReferences(scan, build: build, spec.diagnostics)
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
            allowedKeys: ["name", "run", "image", "env", "workingDirectory", "timeout", "produces", "cache", "network", "secrets"],
            diagnostics: diagnostics
        ) else { return nil }
        let name = reader.string("name", required: true)
        if let name, !SpecMetadata.isValidName(name) {
            reader.report("build step name must be \(SpecMetadata.nameExpectation), found \"\(name)\"", at: "name")
        }
        let timeout = reader.duration("timeout")
        if let timeout, timeout <= .zero {
            reader.report("'timeout' must be longer than 0s", at: "timeout")
        }
        if reader.has("image") {
            return decodeImageStep(reader, name: name, timeout: timeout)
        }
        let run = reader.stringList("run", required: true)
        if let run, run.isEmpty {
            reader.report("'run' must name a program and its arguments, e.g. [\"swift\", \"build\"]", at: "run")
        }
        let produces = reader.stringMap("produces") ?? [:]
        for (artifact, path) in produces where !isInsideCheckout(path) {
            reader.report("artifact '\(artifact)' must be a path inside the checkout, found \"\(path)\"", at: "produces")
        }
        let cache = reader.stringList("cache") ?? []
        for path in cache where !isInsideCheckout(path) {
            reader.report("cache path must be inside the checkout, found \"\(path)\"", at: "cache")
        }
        let network = reader.bool("network") ?? false
        let env = reader.stringMap("env") ?? [:]
        let secrets = reader.stringList("secrets") ?? []
        var seen: Set<String> = []
        for secret in secrets {
            if !isVariableName(secret) {
                reader.report("secret name must be an environment variable name (letters, digits and '_', not starting with a digit), found \"\(secret)\"", at: "secrets")
            } else if !seen.insert(secret).inserted {
                reader.report("secret \(secret) is named twice", at: "secrets")
            } else if env[secret] != nil {
                reader.report("\(secret) is both in 'env' and in 'secrets'; a secret's value comes from the runner's secrets file, never from the spec", at: "secrets")
            }
        }
        guard let name, let run, !run.isEmpty else { return nil }
        return BuildStep(
            name: name, location: reader.location, run: run, env: env,
            workingDirectory: reader.string("workingDirectory"), timeout: timeout ?? .seconds(1800),
            produces: produces, cache: cache, network: network, secrets: secrets
        )
    }

    /// Whether `name` can name an environment variable: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// Whether `path` is relative and has no `..` component.
    static func isInsideCheckout(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    }

    /// A step with `image:`; `run`, `produces`, `cache` and `workingDirectory` belong to command steps.
    private static func decodeImageStep(_ reader: MappingReader, name: String?, timeout: Duration?) -> BuildStep? {
        for key in ["run", "produces", "cache", "workingDirectory", "network", "secrets"] where reader.has(key) {
            reader.diagnostics.report(
                "'\(key)' applies to a command step, not to an image step; a step has either 'run' or 'image'",
                at: reader.keyLocation(key)
            )
        }
        let image = reader.mapping(
            "image", what: "an image build",
            allowedKeys: ["builder", "containerfile", "context", "repository", "tag", "buildArgs"]
        ).flatMap(decodeImageBuild)
        guard let name, let image else { return nil }
        return BuildStep(
            name: name, location: reader.location, image: image, env: reader.stringMap("env") ?? [:],
            timeout: timeout ?? .seconds(1800)
        )
    }

    private static func decodeImageBuild(_ reader: MappingReader) -> ImageBuild? {
        var builder = ImageBuild.Builder.buildah
        if let text = reader.string("builder") {
            if let named = ImageBuild.Builder(rawValue: text) {
                builder = named
            } else {
                reader.report(
                    "unknown image builder \"\(text)\"; expected one of: \(ImageBuild.Builder.allCases.map(\.rawValue).joined(separator: ", "))",
                    at: "builder"
                )
            }
        }
        var paths: [String: String] = [:]
        for (key, fallback) in [("containerfile", "Containerfile"), ("context", ".")] {
            let path = reader.string(key) ?? fallback
            if path.isEmpty || !isInsideCheckout(path) {
                reader.report("'\(key)' must be a path inside the checkout, found \"\(path)\"", at: key)
            }
            paths[key] = path
        }
        let repository = reader.string("repository", required: true)
        if let repository, !isValidRepository(repository) {
            reader.report(
                "'repository' must be a registry host and a path, without a tag or digest, such as "
                    + "registry.example.com/team/model-serve or 127.0.0.1:5000/model-serve; found \"\(repository)\"",
                at: "repository"
            )
        }
        let tag = reader.string("tag") ?? "{commit}"
        let sample = tag.replacingOccurrences(of: "{commit}", with: "0123456789ab").replacingOccurrences(of: "{run}", with: "1")
        if !isValidTag(sample) {
            reader.report(
                "'tag' must be letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-'), "
                    + "with {commit} and {run} replaced; found \"\(tag)\"",
                at: "tag"
            )
        }
        let buildArgs = reader.stringMap("buildArgs") ?? [:]
        guard let repository else { return nil }
        return ImageBuild(
            builder: builder, containerfile: paths["containerfile"] ?? "Containerfile", context: paths["context"] ?? ".",
            repository: repository, tag: tag, buildArgs: buildArgs
        )
    }

    /// `host[:port]/path` with a host that is clearly a registry (a dot, a port or `localhost`), a
    /// lowercase path, and no tag (`:` after the host) or digest (`@`).
    static func isValidRepository(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, let host = parts.first, !host.isEmpty, !text.contains("@"), !text.contains("://") else { return false }
        guard host.contains(".") || host.contains(":") || host == "localhost" else { return false }
        let pathCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        return parts.dropFirst().allSatisfy { component in
            guard let first = component.first, first.isLetter || first.isNumber else { return false }
            return component.allSatisfy { pathCharacters.contains($0) }
        }
    }

    /// An OCI tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    static func isValidTag(_ tag: String) -> Bool {
        guard let first = tag.unicodeScalars.first, tag.unicodeScalars.count <= 128 else { return false }
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "." || scalar == "-")
        }
        return allowed(first) && first != "." && first != "-" && tag.unicodeScalars.allSatisfy(allowed)
    }

    private static func decodeScanEntry(_ node: SpecNode, build: [BuildStep], _ diagnostics: DiagnosticCollector) -> ScanEntry? {
        guard let reader = MappingReader(
            node, what: "a scan entry",
            allowedKeys: ["scanner", "sbom", "name", "failOn", "ignoreUnfixed", "ignore", "report", "path", "image", "timeout", "optional"],
            diagnostics: diagnostics
        ) else { return nil }
        let optional = reader.bool("optional") ?? false
        let name = reader.string("name")
        if let name, !SpecMetadata.isValidName(name) {
            reader.report("scan entry name must be \(SpecMetadata.nameExpectation), found \"\(name)\"", at: "name")
        }
        let subject = decodeScanSubject(reader)
        let timeout = reader.duration("timeout")
        if let timeout, timeout <= .zero {
            reader.report("'timeout' must be longer than 0s", at: "timeout")
        }
        switch (reader.has("scanner"), reader.has("sbom")) {
        case (true, false):
            guard let scannerName = reader.string("scanner") else { return nil }
            guard let scanner = VulnerabilityScan.Scanner(rawValue: scannerName) else {
                reader.report(
                    "unknown scanner \"\(scannerName)\"; expected one of: \(VulnerabilityScan.Scanner.allCases.map(\.rawValue).joined(separator: ", "))",
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
            let report = reader.string("report")
            if let report, report.isEmpty || !isInsideCheckout(report) {
                reader.report("'report' must be a path inside the checkout, found \"\(report)\"", at: "report")
            }
            if report != nil {
                for key in ["path", "image"] where reader.has(key) {
                    diagnostics.report(
                        "'\(key)' says what a scanner looks at, but with 'report' the scanner does not run; give one or the other",
                        at: reader.keyLocation(key)
                    )
                }
            } else if scanner == .sarif {
                reader.report(
                    "a sarif entry reads a SARIF log the build wrote; give its path in the checkout with 'report', e.g. report: reports/scan.sarif",
                    at: "scanner"
                )
            }
            let ignoreFile = reader.string("ignore")
            if let ignoreFile, ignoreFile.isEmpty || !isInsideCheckout(ignoreFile) {
                reader.report("'ignore' must be a path inside the repository, found \"\(ignoreFile)\"", at: "ignore")
            }
            return .vulnerabilities(VulnerabilityScan(
                scanner: scanner, location: reader.location, failOn: failOn,
                ignoreUnfixed: reader.bool("ignoreUnfixed") ?? false, ignoreFile: ignoreFile, optional: optional,
                name: name, report: report, subject: subject ?? .automatic, timeout: timeout ?? .seconds(600)
            ))
        case (false, true):
            for key in ["failOn", "ignoreUnfixed", "ignore", "report"] where reader.has(key) {
                diagnostics.report("'\(key)' applies to vulnerability scanners, not to an sbom entry", at: reader.keyLocation(key))
            }
            guard let toolName = reader.string("sbom") else { return nil }
            guard let tool = SBOMScan.Tool(rawValue: toolName) else {
                reader.report("unknown SBOM tool \"\(toolName)\"; expected one of: \(SBOMScan.Tool.allCases.map(\.rawValue).joined(separator: ", "))", at: "sbom")
                return nil
            }
            return .sbom(SBOMScan(
                tool: tool, location: reader.location, optional: optional, name: name ?? "sbom",
                subject: subject ?? .automatic, timeout: timeout ?? .seconds(600)
            ))
        default:
            reader.report("a scan entry needs exactly one of 'scanner' (trivy, grype, sarif) or 'sbom' (syft)")
            return nil
        }
    }

    /// `path:` or `image:`, at most one; nil when neither is given or one is wrong (reported).
    private static func decodeScanSubject(_ reader: MappingReader) -> ScanSubject? {
        let path = reader.string("path")
        let image = reader.string("image")
        if path != nil, image != nil {
            reader.report("give at most one of 'path' (a directory of the checkout) and 'image' (an image step) to scan", at: "image")
            return nil
        }
        if let path {
            guard isInsideCheckout(path) else {
                reader.report("'path' must be a directory inside the checkout, found \"\(path)\"", at: "path")
                return nil
            }
            return .directory(path)
        }
        return image.map { .image(step: $0) }
    }

    /// Each scan's `image:` names an image step; a scan left to find its image finds one; an SBOM's
    /// name (its artifact's name too) is no build artifact's.
    private static func checkScanReferences(_ scan: [ScanEntry], build: [BuildStep], _ diagnostics: DiagnosticCollector) {
        let imageSteps = build.filter { $0.image != nil }.map(\.name)
        var artifacts: [String: String] = [:]
        for step in build {
            if step.image != nil { artifacts[step.name] = "image step '\(step.name)'" }
            for name in step.produces.keys { artifacts[name] = "build step '\(step.name)'" }
        }
        for entry in scan {
            let (subject, runsATool): (ScanSubject, Bool)
            switch entry {
            case .vulnerabilities(let scan): (subject, runsATool) = (scan.subject, scan.report == nil)
            case .sbom(let sbom):
                (subject, runsATool) = (sbom.subject, true)
                if let producer = artifacts[sbom.name] {
                    diagnostics.report(
                        "the SBOM is recorded as artifact '\(sbom.name)', which \(producer) already produces; give the entry another 'name'",
                        at: sbom.location
                    )
                }
            }
            guard runsATool else { continue }
            switch subject {
            case .image(let step) where !imageSteps.contains(step):
                let known = imageSteps.isEmpty ? "the pipeline builds no image" : "its image steps are: \(imageSteps.joined(separator: ", "))"
                diagnostics.report("scan entry '\(entry.name)' names image step '\(step)', but \(known)", at: entry.location)
            case .automatic where imageSteps.count > 1:
                diagnostics.report(
                    "scan entry '\(entry.name)': the pipeline builds several images (\(imageSteps.joined(separator: ", "))); "
                        + "name the one to scan with 'image', or a directory with 'path'",
                    at: entry.location
                )
            default:
                break
            }
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
