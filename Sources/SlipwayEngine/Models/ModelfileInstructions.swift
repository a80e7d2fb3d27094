import Foundation

/// The parts of a Modelfile that `POST /api/create` takes as fields: `FROM`, `SYSTEM`,
/// `TEMPLATE` and numeric `PARAMETER`s. Current Ollama ignores a Modelfile's text and reads
/// these fields; older Ollama read the text, which ``ModelRollout`` sends as well.
struct ModelfileInstructions: Sendable, Equatable {
    /// The base model (`FROM`).
    var from: String
    var system: String?
    var template: String?
    /// Numeric parameters (`PARAMETER temperature 0.2`).
    var parameters: [String: Double]
    /// Parameters whose value is not a number (`stop` sequences): `CreateRequest` cannot carry
    /// them, so only servers that read the Modelfile text apply them.
    var textParameters: [String: [String]]

    /// Reads `text`; fails when there is no `FROM`, or `FROM` names a file (weights must be
    /// uploaded as blobs, which a rollout does not do).
    init(parsing text: String, model: String) throws(ModelRolloutError) {
        var from: String?
        var system: String?
        var template: String?
        var parameters: [String: Double] = [:]
        var textParameters: [String: [String]] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
        }[...]
        while let line = lines.popFirst() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let command = line.prefix { !$0.isWhitespace }.uppercased()
            var argument = String(line.dropFirst(command.count)).trimmingCharacters(in: .whitespaces)
            if argument.hasPrefix("\"\"\"") {
                argument = try Self.tripleQuoted(String(argument.dropFirst(3)), rest: &lines, command: command, model: model)
            } else if argument.count >= 2, argument.hasPrefix("\""), argument.hasSuffix("\"") {
                argument = String(argument.dropFirst().dropLast())
            }
            switch command {
            case "FROM": from = argument
            case "SYSTEM": system = argument
            case "TEMPLATE": template = argument
            case "PARAMETER":
                let key = String(argument.prefix { !$0.isWhitespace })
                var value = argument.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                guard !key.isEmpty, !value.isEmpty else {
                    throw .invalidModelfile(model: model, problem: "`PARAMETER \(argument)` needs a name and a value")
                }
                if let number = Double(value) {
                    parameters[key] = number
                } else {
                    textParameters[key, default: []].append(value)
                }
            default:
                continue
            }
        }
        guard let from, !from.isEmpty else {
            throw .invalidModelfile(model: model, problem: "it has no FROM line naming the base model")
        }
        if from.hasPrefix(".") || from.hasPrefix("/") || from.hasPrefix("~") || from.lowercased().hasSuffix(".gguf") {
            throw .invalidModelfile(
                model: model,
                problem: "FROM \(from) names a file; a rollout creates models only FROM a model the endpoints can pull"
            )
        }
        self.from = from
        self.system = system
        self.template = template
        self.parameters = parameters
        self.textParameters = textParameters
    }

    /// The text of a `"""…"""` argument that starts with `first` and may go on over `rest`.
    private static func tripleQuoted(
        _ first: String, rest: inout ArraySlice<String>, command: String, model: String
    ) throws(ModelRolloutError) -> String {
        if let end = first.range(of: "\"\"\"") { return String(first[..<end.lowerBound]) }
        var parts = [first]
        while let line = rest.popFirst() {
            if let end = line.range(of: "\"\"\"") {
                parts.append(String(line[..<end.lowerBound]))
                return parts.joined(separator: "\n").trimmingCharacters(in: .newlines)
            }
            parts.append(line)
        }
        throw .invalidModelfile(model: model, problem: "the \"\"\" opened by \(command) is never closed")
    }
}
