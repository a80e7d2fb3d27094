/// One step of a ``ModelRollout`` on one endpoint. Progress lines and errors name the step,
/// so a person reading the ledger knows what Slipway was doing when something happened.
public enum ModelRolloutStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// Listing the endpoint's models (`GET /api/tags`) to see whether the model is there.
    case list
    /// Downloading the model from its registry (`POST /api/pull`).
    case pull
    /// Creating the model from the pipeline's Modelfile (`POST /api/create`).
    case create
    /// Reading the model's digest from the endpoint (`GET /api/tags`) after it is in place.
    case digest
    /// Loading the model into memory (an empty `POST /api/generate` with `keep_alive`).
    case preload
}
