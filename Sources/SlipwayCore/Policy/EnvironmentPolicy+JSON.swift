/// A policy as the ledger keeps it: plain JSON with sorted keys, durations in milliseconds and
/// approvers and moments as specs write them, so two policies compare by their rules and a
/// change reads field by field.
extension EnvironmentPolicy {
    public var json: JSONValue {
        var fields: [String: JSONValue] = ["environment": Self.json(of: environment)]
        if let gate {
            var after: [String: JSONValue] = ["stage": .string(gate.stage), "approval": .bool(gate.approval)]
            if let soak = gate.soak { after["soakMs"] = .number(PromotionPlanner.milliseconds(soak)) }
            fields["gate"] = .object(after)
        }
        if !scans.isEmpty { fields["scans"] = .array(scans.map(\.json)) }
        return .object(fields)
    }

    static func json(of environment: EnvironmentSpec) -> JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(environment.name),
            "order": .number(Double(environment.order)),
            "ollamaEndpoints": .array(environment.ollamaEndpoints.map { .string($0) }),
        ]
        switch environment.target {
        case .local(let port):
            fields["target"] = .object(["local": .object(["port": .number(Double(port))])])
        case .kubernetes(let target):
            var kubernetes: [String: JSONValue] = ["namespace": .string(target.namespace), "traffic": .string(target.traffic.rawValue)]
            if let context = target.context { kubernetes["context"] = .string(context) }
            fields["target"] = .object(["kubernetes": .object(kubernetes)])
        }
        // Approvals, freeze windows and break glass as a gate keeps them (one spelling of each).
        let rules = GateRequirements(
            afterStage: nil, approvals: environment.approvals, freeze: environment.freeze, breakGlass: environment.breakGlass
        ).json
        if let approvals = rules["approvals"] { fields["approvals"] = approvals }
        if let freeze = rules["freeze"] { fields["freeze"] = freeze }
        if let breakGlass = rules["breakGlass"] { fields["breakGlass"] = breakGlass }
        if let drift = environment.drift {
            fields["drift"] = .object([
                "intervalMs": .number(PromotionPlanner.milliseconds(drift.interval)), "selfHeal": .bool(drift.selfHeal),
            ])
        }
        if !environment.metadata.labels.isEmpty {
            fields["labels"] = .object(environment.metadata.labels.mapValues { .string($0) })
        }
        return .object(fields)
    }

    /// Reads what ``json`` wrote; nil for anything else. `location` is where the ledger says it
    /// came from (a policy read back has no file of its own).
    public init?(json: JSONValue, location: SourceLocation = .start(of: "ledger")) {
        guard let env = json["environment"], case .string(let name)? = env["name"], case .number(let order)? = env["order"],
              case .array(let endpointValues)? = env["ollamaEndpoints"], let targetValue = env["target"]
        else { return nil }
        var endpoints: [String] = []
        for value in endpointValues {
            guard case .string(let endpoint) = value else { return nil }
            endpoints.append(endpoint)
        }
        let target: DeploymentTarget
        if case .number(let port)? = targetValue["local"]?["port"] {
            target = .local(port: Int(port))
        } else if let kubernetes = targetValue["kubernetes"], case .string(let namespace)? = kubernetes["namespace"],
                  case .string(let trafficName)? = kubernetes["traffic"], let traffic = KubernetesTarget.Traffic(rawValue: trafficName) {
            var context: String?
            if case .string(let text)? = kubernetes["context"] { context = text }
            target = .kubernetes(KubernetesTarget(context: context, namespace: namespace, traffic: traffic))
        } else {
            return nil
        }
        var rulesJSON: [String: JSONValue] = [:]
        for key in ["approvals", "freeze", "breakGlass"] { rulesJSON[key] = env[key] }
        guard let rules = GateRequirements(json: .object(rulesJSON)) else { return nil }
        var drift: DriftSettings?
        if let driftValue = env["drift"] {
            guard case .number(let interval)? = driftValue["intervalMs"], case .bool(let selfHeal)? = driftValue["selfHeal"] else { return nil }
            drift = DriftSettings(interval: .milliseconds(Int64(interval)), selfHeal: selfHeal)
        }
        var labels: [String: String] = [:]
        if case .object(let values)? = env["labels"] {
            for (key, value) in values {
                guard case .string(let text) = value else { return nil }
                labels[key] = text
            }
        }
        let environment = EnvironmentSpec(
            metadata: SpecMetadata(name: name, labels: labels), location: location, order: Int(order), target: target,
            ollamaEndpoints: endpoints, approvals: rules.approvals, freeze: rules.freeze, breakGlass: rules.breakGlass, drift: drift
        )
        var gate: StageGateSpec?
        if let gateValue = json["gate"] {
            guard case .string(let stage)? = gateValue["stage"], case .bool(let approval)? = gateValue["approval"] else { return nil }
            var soak: Duration?
            if case .number(let milliseconds)? = gateValue["soakMs"] { soak = .milliseconds(Int64(milliseconds)) }
            gate = StageGateSpec(stage: stage, soak: soak, approval: approval, location: location)
        }
        var scans: [ScanRule] = []
        if case .array(let items)? = json["scans"] {
            for item in items {
                guard let rule = ScanRule(json: item) else { return nil }
                scans.append(rule)
            }
        }
        self.init(environment: environment, gate: gate, scans: scans)
    }
}
