import Yams

extension SpecNode {
    /// The node as a JSON value: plain scalars resolve to null, booleans and
    /// numbers as YAML would; quoted scalars stay strings.
    var jsonValue: JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let flag = node.bool, ["true", "false"].contains(scalar.string.lowercased()) { return .bool(flag) }
                if let number = node.int { return .number(Double(number)) }
                if let number = node.float { return .number(number) }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map { child($0).jsonValue })
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
            for (key, value) in mapping {
                fields[child(key).scalarText ?? ""] = child(value).jsonValue
            }
            return .object(fields)
        case .alias:
            return .null
        }
    }
}
