/// Ollama model names as Ollama compares them: a name without a tag means the `latest` tag.
enum ModelName {
    /// `llama3.2` → `llama3.2:latest`; a tagged name is returned as it is.
    static func normalized(_ name: String) -> String {
        let lastComponent = name.split(separator: "/").last.map(String.init) ?? name
        return lastComponent.contains(":") ? name : name + ":latest"
    }
}
