/// How a release's own policy for an environment differs from the one in effect there: a
/// **policy change**. It takes effect only when the release succeeds, and the release needs the
/// approvals of the policy in effect to get there; approvers are told what changes.
public struct PolicyChange: Sendable, Equatable {
    /// One field that differs, by its path in the policy's JSON (`environment.approvals.required`).
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public var field: String
        /// The value in effect and the release's, as JSON; nil where one has no such field.
        public var inEffect: JSONValue?
        public var release: JSONValue?

        public init(field: String, inEffect: JSONValue?, release: JSONValue?) {
            self.field = field
            self.inEffect = inEffect
            self.release = release
        }

        /// `environment.approvals.required: 2 → 1`, `environment.freeze: [...] → (none)`.
        public var description: String {
            "\(field): \(inEffect?.description ?? "(none)") → \(release?.description ?? "(none)")"
        }
    }

    public var environment: String
    /// The version in effect (``PolicyInEffect/version``) the change is measured against.
    public var inEffectVersion: String
    public var differences: [Difference]

    public init(environment: String, inEffectVersion: String, differences: [Difference]) {
        self.environment = environment
        self.inEffectVersion = inEffectVersion
        self.differences = differences
    }

    /// The change `release` makes to the policy `inEffect`, or nil when it makes none.
    public static func between(inEffect: PolicyInEffect, release: EnvironmentPolicy) -> PolicyChange? {
        var differences: [Difference] = []
        compare(inEffect.policy.json, release.json, path: "", into: &differences)
        guard !differences.isEmpty else { return nil }
        return PolicyChange(environment: release.name, inEffectVersion: inEffect.version, differences: differences)
    }

    /// `this release changes prod's policy (in effect: policy of promotion 7 …): environment.approvals.required: 2 → 1; …`
    public var headline: String {
        "this release changes \(environment)'s policy"
    }

    public var summary: String {
        "\(headline) (against the \(inEffectVersion)): " + differences.map(\.description).joined(separator: "; ")
    }

    private static func compare(_ old: JSONValue?, _ new: JSONValue?, path: String, into differences: inout [Difference]) {
        if old == new { return }
        if case .object(let before)? = old, case .object(let after)? = new {
            for key in Set(before.keys).union(after.keys).sorted() {
                compare(before[key], after[key], path: path.isEmpty ? key : "\(path).\(key)", into: &differences)
            }
            return
        }
        differences.append(Difference(field: path, inEffect: old, release: new))
    }
}

extension PolicyChange {
    public var json: JSONValue {
        .object([
            "environment": .string(environment),
            "inEffect": .string(inEffectVersion),
            "differences": .array(differences.map { difference in
                var item: [String: JSONValue] = ["field": .string(difference.field)]
                if let value = difference.inEffect { item["inEffect"] = value }
                if let value = difference.release { item["release"] = value }
                return .object(item)
            }),
        ])
    }

    public init?(json: JSONValue) {
        guard case .string(let environment)? = json["environment"], case .string(let version)? = json["inEffect"],
              case .array(let items)? = json["differences"]
        else { return nil }
        var differences: [Difference] = []
        for item in items {
            guard case .string(let field)? = item["field"] else { return nil }
            differences.append(Difference(field: field, inEffect: item["inEffect"], release: item["release"]))
        }
        self.init(environment: environment, inEffectVersion: version, differences: differences)
    }
}
