import Foundation
import SlipwayCore

/// Turning a step's Codable result into the JSON kept as its evidence in the ledger.
enum Evidence {
    static func from(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value), let json = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .object(["unencodable": .string(String(describing: value))])
        }
        return json
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

/// A step configuration without fields.
struct NoConfig: Decodable, Sendable {}
