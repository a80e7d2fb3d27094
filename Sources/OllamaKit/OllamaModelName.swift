/// Ollama model names as Ollama compares them: a name without a tag means the `latest` tag.
public enum OllamaModelName {
    /// `llama3.2` → `llama3.2:latest`; `llama3.2:1b` and `host:5000/ns/m:tag` stay as they are.
    /// A colon in a registry host (`host:5000/ns/m`) is not a tag: only the last path component counts.
    public static func normalized(_ name: String) -> String {
        let lastComponent = name.split(separator: "/").last.map(String.init) ?? name
        return lastComponent.contains(":") ? name : name + ":latest"
    }

    /// Whether two names denote the same model.
    public static func same(_ first: String, _ second: String) -> Bool {
        normalized(first) == normalized(second)
    }
}
