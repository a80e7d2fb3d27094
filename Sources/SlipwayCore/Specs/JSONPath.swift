/// A small JSON path as smoke checks use it: `$`, `$.field`, `$.a.b`, `$.items[0].name`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let components: [Component]
    public let description: String

    public static let expectation = "a JSON path such as $.done or $.choices[0].text"

    /// Parses `text`, or returns nil when it is not a supported path.
    public init?(_ text: String) {
        var scalars = Substring(text).unicodeScalars
        guard scalars.first == "$" else { return nil }
        scalars.removeFirst()
        var components: [Component] = []
        while let next = scalars.first {
            if next == "." {
                scalars.removeFirst()
                var name = ""
                while let c = scalars.first, c != ".", c != "[" {
                    name.unicodeScalars.append(c)
                    scalars.removeFirst()
                }
                guard !name.isEmpty else { return nil }
                components.append(.key(name))
            } else if next == "[" {
                scalars.removeFirst()
                var digits = ""
                while let c = scalars.first, c != "]" {
                    digits.unicodeScalars.append(c)
                    scalars.removeFirst()
                }
                guard scalars.first == "]", let index = Int(digits), index >= 0 else { return nil }
                scalars.removeFirst()
                components.append(.index(index))
            } else {
                return nil
            }
        }
        self.components = components
        self.description = text
    }

    /// The value at this path in `document`, or nil when the path does not exist there.
    public func evaluate(in document: JSONValue) -> JSONValue? {
        var current = document
        for component in components {
            switch (component, current) {
            case (.key(let key), .object(let fields)):
                guard let value = fields[key] else { return nil }
                current = value
            case (.index(let index), .array(let items)):
                guard items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
