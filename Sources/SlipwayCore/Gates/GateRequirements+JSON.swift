/// The requirements as the ledger keeps them beside the promotion: plain JSON a person can read
/// (durations in milliseconds, approvers and moments as they are written in specs).
extension GateRequirements {
    public var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        if let afterStage { fields["after"] = .string(afterStage) }
        if let soak { fields["soakMs"] = .number(PromotionPlanner.milliseconds(soak)) }
        if let approvals {
            var policy: [String: JSONValue] = [
                "required": .number(Double(approvals.required)),
                "approvers": .array(approvals.approvers.map { .string($0.description) }),
                "forbidSelfApproval": .bool(approvals.forbidSelfApproval),
            ]
            if let expiry = approvals.expiresAfter { policy["expiresAfterMs"] = .number(PromotionPlanner.milliseconds(expiry)) }
            fields["approvals"] = .object(policy)
        }
        fields["freeze"] = .array(freeze.map { window in
            var item: [String: JSONValue] = [
                "from": .string(window.from.description), "to": .string(window.to.description), "timeZone": .string(window.timeZone),
            ]
            if let reason = window.reason { item["reason"] = .string(reason) }
            return .object(item)
        })
        if let breakGlass { fields["breakGlass"] = .object(["groups": .array(breakGlass.groups.map { .string($0) })]) }
        if let policyVersion { fields["policy"] = .string(policyVersion) }
        if let policyChange { fields["policyChange"] = policyChange.json }
        if !releaseAuthors.isEmpty { fields["releaseAuthors"] = .array(releaseAuthors.map { .string($0) }) }
        return .object(fields)
    }

    /// Reads what ``json`` wrote; nil for anything else.
    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        var after: String?
        if let value = json["after"] {
            guard case .string(let stage) = value else { return nil }
            after = stage
        }
        var requirements = GateRequirements(afterStage: after)
        if case .string(let version)? = json["policy"] { requirements.policyVersion = version }
        if case .array(let authors)? = json["releaseAuthors"] {
            for author in authors {
                guard case .string(let text) = author else { return nil }
                requirements.releaseAuthors.append(text)
            }
        }
        if let change = json["policyChange"] {
            guard let parsed = PolicyChange(json: change) else { return nil }
            requirements.policyChange = parsed
        }
        if let soak = json["soakMs"] {
            guard case .number(let milliseconds) = soak else { return nil }
            requirements.soak = .milliseconds(Int64(milliseconds))
        }
        if let policy = json["approvals"] {
            guard case .number(let required)? = policy["required"], case .array(let list)? = policy["approvers"],
                  case .bool(let forbidSelf)? = policy["forbidSelfApproval"]
            else { return nil }
            var approvers: [Approver] = []
            for item in list {
                guard case .string(let text) = item, let approver = Approver(text) else { return nil }
                approvers.append(approver)
            }
            var expiry: Duration?
            if case .number(let milliseconds)? = policy["expiresAfterMs"] { expiry = .milliseconds(Int64(milliseconds)) }
            requirements.approvals = ApprovalPolicy(
                required: Int(required), approvers: approvers, forbidSelfApproval: forbidSelf, expiresAfter: expiry
            )
        }
        if case .array(let windows)? = json["freeze"] {
            for item in windows {
                guard case .string(let fromText)? = item["from"], case .string(let toText)? = item["to"],
                      case .string(let zone)? = item["timeZone"],
                      let from = FreezeWindow.Moment(fromText), let to = FreezeWindow.Moment(toText)
                else { return nil }
                var reason: String?
                if case .string(let text)? = item["reason"] { reason = text }
                requirements.freeze.append(FreezeWindow(from: from, to: to, timeZone: zone, reason: reason))
            }
        }
        if let breakGlass = json["breakGlass"] {
            guard case .array(let list)? = breakGlass["groups"] else { return nil }
            let groups = list.compactMap { item -> String? in
                if case .string(let name) = item { return name }
                return nil
            }
            requirements.breakGlass = BreakGlassPolicy(groups: groups)
        }
        self = requirements
    }
}
