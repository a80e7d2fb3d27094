import Foundation

extension EnvironmentSpec {
    static let specKeys = ["order", "target", "ollama", "approvals", "freeze", "breakGlass", "drift"]

    static func decode(spec: MappingReader, metadata: SpecMetadata, location: SourceLocation) -> EnvironmentSpec? {
        let order = spec.int("order", required: true, in: 1...1000)
        let target = decodeTarget(spec)
        var endpoints: [String] = []
        if let ollama = spec.mapping("ollama", what: "ollama", allowedKeys: ["endpoints"]) {
            for (endpoint, location) in ollama.locatedStringList("endpoints", required: true) ?? [] {
                if let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                    endpoints.append(endpoint)
                } else {
                    spec.diagnostics.report("expected an http:// or https:// URL in 'endpoints', found \"\(endpoint)\"", at: location)
                }
            }
        }
        let approvals = spec.mapping(
            "approvals", what: "approvals",
            allowedKeys: ["required", "approvers", "forbidSelfApproval", "expiresAfter"]
        ).flatMap(decodeApprovals)
        let freeze = (spec.sequence("freeze") ?? []).compactMap { decodeFreeze($0, spec.diagnostics) }
        let breakGlass = spec.mapping("breakGlass", what: "breakGlass", allowedKeys: ["groups"]).flatMap(decodeBreakGlass)
        let drift = spec.mapping("drift", what: "drift", allowedKeys: ["interval", "selfHeal"]).map { reader in
            var settings = DriftSettings()
            if let interval = reader.duration("interval") {
                if interval < .seconds(10) {
                    reader.report("drift 'interval' must be at least 10s", at: "interval")
                } else {
                    settings.interval = interval
                }
            }
            if let heal = reader.bool("selfHeal") { settings.selfHeal = heal }
            return settings
        }
        guard let order, let target else { return nil }
        return EnvironmentSpec(
            metadata: metadata, location: location, order: order, target: target, ollamaEndpoints: endpoints,
            approvals: approvals, freeze: freeze, breakGlass: breakGlass, drift: drift
        )
    }

    private static func decodeTarget(_ spec: MappingReader) -> DeploymentTarget? {
        guard let reader = spec.mapping("target", what: "a target", allowedKeys: ["local", "kubernetes"], required: true) else {
            return nil
        }
        switch (reader.has("local"), reader.has("kubernetes")) {
        case (true, false):
            guard let local = reader.mapping("local", what: "local target", allowedKeys: ["port"]),
                  let port = local.int("port", required: true, in: 1024...65535)
            else { return nil }
            return .local(port: port)
        case (false, true):
            guard let kubernetes = reader.mapping(
                "kubernetes", what: "kubernetes target", allowedKeys: ["context", "namespace", "traffic"]
            ) else { return nil }
            let namespace = kubernetes.string("namespace", required: true)
            if let namespace, !SpecMetadata.isValidName(namespace) {
                kubernetes.report("'namespace' must be \(SpecMetadata.nameExpectation), found \"\(namespace)\"", at: "namespace")
            }
            var traffic = KubernetesTarget.Traffic.service
            if let text = kubernetes.string("traffic") {
                if let value = KubernetesTarget.Traffic(rawValue: text) {
                    traffic = value
                } else {
                    kubernetes.report(
                        "unknown traffic router \"\(text)\"; expected one of: \(KubernetesTarget.Traffic.allCases.map(\.rawValue).joined(separator: ", "))",
                        at: "traffic"
                    )
                }
            }
            guard let namespace else { return nil }
            return .kubernetes(KubernetesTarget(context: kubernetes.string("context"), namespace: namespace, traffic: traffic))
        default:
            reader.report("a target needs exactly one of 'local' or 'kubernetes'")
            return nil
        }
    }

    private static func decodeApprovals(_ reader: MappingReader) -> ApprovalPolicy? {
        let required = reader.int("required", required: true, in: 1...100)
        var approvers: [Approver] = []
        if let texts = reader.locatedStringList("approvers", required: true) {
            for (text, location) in texts {
                if let approver = Approver(text) {
                    approvers.append(approver)
                } else {
                    reader.diagnostics.report("expected \(Approver.expectation) in 'approvers', found \"\(text)\"", at: location)
                }
            }
            if texts.isEmpty {
                reader.report("'approvers' must list at least one user:NAME or group:NAME", at: "approvers")
            }
        }
        let users = approvers.filter { if case .user = $0 { return true } else { return false } }
        if let required, !approvers.isEmpty, users.count == approvers.count, Set(users).count < required {
            reader.report(
                "'required' is \(required) but only \(Set(users).count) user(s) may approve; add approvers or lower 'required'",
                at: "required"
            )
        }
        let expiry = reader.duration("expiresAfter")
        if let expiry, expiry <= .zero {
            reader.report("'expiresAfter' must be longer than 0s", at: "expiresAfter")
        }
        guard let required, !approvers.isEmpty else { return nil }
        return ApprovalPolicy(
            required: required, approvers: approvers, forbidSelfApproval: reader.bool("forbidSelfApproval") ?? true,
            expiresAfter: expiry
        )
    }

    /// `breakGlass: { groups: [sre-oncall] }`: group names as tokens carry them, without `group:`.
    private static func decodeBreakGlass(_ reader: MappingReader) -> BreakGlassPolicy? {
        guard let texts = reader.locatedStringList("groups", required: true) else { return nil }
        var groups: [String] = []
        for (text, location) in texts {
            if text.hasPrefix("group:") {
                reader.diagnostics.report(
                    "write the group's name without 'group:' in 'groups' of breakGlass, found \"\(text)\"", at: location
                )
            } else if text.hasPrefix("user:") {
                reader.diagnostics.report("breakGlass 'groups' names groups, not users, found \"\(text)\"", at: location)
            } else if text.isEmpty || text.contains(where: \.isWhitespace) || text.contains(":") {
                reader.diagnostics.report("expected a group name in 'groups' of breakGlass, found \"\(text)\"", at: location)
            } else if !groups.contains(text) {
                groups.append(text)
            }
        }
        if texts.isEmpty {
            reader.report("breakGlass 'groups' must name at least one group", at: "groups")
        }
        return groups.isEmpty ? nil : BreakGlassPolicy(groups: groups)
    }

    private static func decodeFreeze(_ node: SpecNode, _ diagnostics: DiagnosticCollector) -> FreezeWindow? {
        guard let reader = MappingReader(
            node, what: "a freeze window", allowedKeys: ["from", "to", "timeZone", "reason"], diagnostics: diagnostics
        ) else { return nil }
        func moment(_ key: String) -> FreezeWindow.Moment? {
            guard let text = reader.string(key, required: true) else { return nil }
            guard let moment = FreezeWindow.Moment(text) else {
                reader.report("expected \(FreezeWindow.Moment.expectation) for '\(key)', found \"\(text)\"", at: key)
                return nil
            }
            return moment
        }
        let from = moment("from"), to = moment("to")
        let zone = reader.string("timeZone") ?? "UTC"
        if TimeZone(identifier: zone) == nil {
            reader.report("unknown time zone \"\(zone)\"; expected an IANA name such as Europe/Berlin or UTC", at: "timeZone")
        }
        guard let from, let to else { return nil }
        if from.isWeekly != to.isWeekly {
            reader.report("'from' and 'to' must both be weekly (\"Fri 17:00\") or both dates (\"2026-12-24 18:00\")", at: "to")
            return nil
        }
        if from == to {
            reader.report("'from' and 'to' are the same moment; the window would be empty", at: "to")
        }
        let window = FreezeWindow(from: from, to: to, timeZone: zone, reason: reader.string("reason"))
        if case .once = from, let zoneValue = TimeZone(identifier: zone) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zoneValue
            if let start = calendar.date(from: components(from)), let end = calendar.date(from: components(to)), end <= start {
                reader.report("'to' (\(to)) must be after 'from' (\(from))", at: "to")
            }
        }
        return window
    }

    private static func components(_ moment: FreezeWindow.Moment) -> DateComponents {
        guard case .once(let year, let month, let day, let hour, let minute) = moment else { return DateComponents() }
        return DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
    }
}
