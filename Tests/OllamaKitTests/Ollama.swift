import Testing

/// Every OllamaKit integration test, one at a time: each starts its own `ollama-sim` process,
/// and running thirty of them at once on a small machine starves the rest of the test run.
@Suite(.serialized) enum Ollama {}
