import SlipwayCore

extension SpecSet {
    /// The pipeline a command works on: the one `--pipeline` names, or the only one there is.
    func chosenPipeline(named name: String?) throws -> PipelineSpec {
        if let name {
            guard let match = pipeline(named: name) else { throw CommandError("there is no pipeline '\(name)'") }
            return match
        }
        guard pipelines.count == 1, let only = pipelines.first else {
            throw CommandError("name the pipeline with --pipeline: \(pipelines.map(\.name).joined(separator: ", "))")
        }
        return only
    }
}
