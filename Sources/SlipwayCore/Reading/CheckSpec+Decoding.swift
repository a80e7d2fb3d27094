extension CheckSpec {
    static func decode(name: String, location: SourceLocation, node: SpecNode, _ diagnostics: DiagnosticCollector) -> CheckSpec? {
        if !SpecMetadata.isValidName(name) {
            diagnostics.report("check name must be \(SpecMetadata.nameExpectation), found \"\(name)\"", at: location)
        }
        guard let reader = MappingReader(node, what: "check '\(name)'", allowedKeys: ["smoke", "drift"], diagnostics: diagnostics) else {
            return nil
        }
        switch (reader.has("smoke"), reader.has("drift")) {
        case (true, false):
            guard let items = reader.sequence("smoke") else { return nil }
            if items.isEmpty { reader.report("a smoke check needs at least one request", at: "smoke") }
            let requests = items.enumerated().compactMap { index, item in
                decodeSmokeRequest(item, index: index, check: name, diagnostics)
            }
            reportDuplicates(requests.map { ($0.name, $0.location) }, what: "smoke request", diagnostics)
            guard requests.count == items.count, !requests.isEmpty else { return nil }
            return CheckSpec(name: name, location: location, kind: .smoke(SmokeCheck(requests: requests)))
        case (false, true):
            guard let drift = reader.mapping("drift", what: "drift check '\(name)'", allowedKeys: ["prompts", "maxDivergence"]),
                  let prompts = drift.stringList("prompts", required: true)
            else { return nil }
            if prompts.isEmpty { drift.report("a drift check needs at least one prompt", at: "prompts") }
            var check = DriftCheck(prompts: prompts)
            if let bound = drift.double("maxDivergence") {
                if (0...1).contains(bound) {
                    check.maxDivergence = bound
                } else {
                    drift.report("'maxDivergence' must be between 0 and 1, found \(bound)", at: "maxDivergence")
                }
            }
            return CheckSpec(name: name, location: location, kind: .drift(check))
        default:
            reader.report("check '\(name)' needs exactly one of 'smoke' or 'drift'")
            return nil
        }
    }

    private static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    private static func decodeSmokeRequest(_ node: SpecNode, index: Int, check: String, _ diagnostics: DiagnosticCollector) -> SmokeRequest? {
        guard let reader = MappingReader(
            node, what: "a smoke request of check '\(check)'",
            allowedKeys: ["name", "method", "path", "headers", "body", "expect"], diagnostics: diagnostics
        ) else { return nil }
        let path = reader.string("path", required: true)
        if let path, !path.hasPrefix("/") {
            reader.report("'path' must start with '/', found \"\(path)\"", at: "path")
        }
        var method = "GET"
        if let text = reader.string("method") {
            if methods.contains(text.uppercased()) {
                method = text.uppercased()
            } else {
                reader.report("unknown HTTP method \"\(text)\"; expected one of: \(methods.joined(separator: ", "))", at: "method")
            }
        }
        var request = SmokeRequest(
            name: reader.string("name") ?? "request-\(index + 1)", location: reader.location, method: method,
            path: path ?? "/", headers: reader.stringMap("headers") ?? [:], body: reader.value("body")?.jsonValue
        )
        if let expect = reader.mapping(
            "expect", what: "'expect' of a smoke request", allowedKeys: ["status", "json", "latencyBudget"]
        ) {
            if let status = expect.int("status", in: 100...599) { request.expectStatus = status }
            request.latencyBudget = expect.duration("latencyBudget")
            for entry in expect.namedEntries("json") ?? [] {
                guard let jsonPath = JSONPath(entry.name) else {
                    diagnostics.report("expected \(JSONPath.expectation), found \"\(entry.name)\"", at: entry.location)
                    continue
                }
                request.expectJSON.append(JSONExpectation(path: jsonPath, expected: entry.value.jsonValue))
            }
        }
        guard path != nil else { return nil }
        return request
    }
}

extension AnalysisTemplate {
    static func decode(name: String, location: SourceLocation, node: SpecNode, _ diagnostics: DiagnosticCollector) -> AnalysisTemplate? {
        if !SpecMetadata.isValidName(name) {
            diagnostics.report("analysis name must be \(SpecMetadata.nameExpectation), found \"\(name)\"", at: location)
        }
        guard let reader = MappingReader(
            node, what: "analysis '\(name)'", allowedKeys: ["interval", "samples", "failureLimit", "metrics"], diagnostics: diagnostics
        ) else { return nil }
        let metricNodes = reader.sequence("metrics", required: true) ?? []
        let metrics = metricNodes.compactMap { node -> AnalysisMetric? in
            guard let metric = MappingReader(
                node, what: "a metric of analysis '\(name)'", allowedKeys: ["name", "query", "min", "max"], diagnostics: diagnostics
            ) else { return nil }
            let metricName = metric.string("name", required: true)
            let query = metric.string("query", required: true)
            let min = metric.double("min"), max = metric.double("max")
            if min == nil, max == nil, metric.value("min") == nil, metric.value("max") == nil {
                metric.report("a metric needs a bound: 'min', 'max' or both")
            }
            if let min, let max, min > max {
                metric.report("'min' (\(min)) is greater than 'max' (\(max))", at: "min")
            }
            guard let metricName, let query else { return nil }
            return AnalysisMetric(name: metricName, query: query, min: min, max: max)
        }
        if metricNodes.isEmpty, reader.has("metrics") {
            reader.report("an analysis needs at least one metric", at: "metrics")
        }
        var template = AnalysisTemplate(name: name, location: location, metrics: metrics)
        if let interval = reader.duration("interval") { template.interval = interval }
        if let samples = reader.int("samples", in: 1...1000) { template.samples = samples }
        if let limit = reader.int("failureLimit", in: 0...1000) { template.failureLimit = limit }
        guard metrics.count == metricNodes.count, !metrics.isEmpty else { return nil }
        return template
    }
}
