import AsyncHTTPClient
import Foundation
import OllamaKit
import SlipwayCore

/// What the steps of one promotion share: the pipeline's specs, how to start the release, the
/// HTTP client, the headers smoke checks send (ModelServe's key for the promotion), and how to
/// read a file of the release's commit.
public struct StepServices: Sendable {
    public var pipeline: PipelineSpec
    public var launch: ReleaseLaunch
    public var httpClient: HTTPClient
    public var smokeHeaders: [String: String]
    /// Reads a file of the commit being released (a Modelfile), or nil when it is not there.
    public var readFile: @Sendable (String) async throws -> String?
    public var sleep: @Sendable (Duration) async throws -> Void
    /// What gate steps decide on (the environment's rules, the ledger's facts); nil: a gate
    /// counts its soak from its own start and waits for `slipway promote` where approval is needed.
    public var gate: GateSource?

    /// The client steps use unless told otherwise: a refused connection fails at once (after a
    /// 2 s connect timeout) instead of being retried until the request's deadline, so a release
    /// or an Ollama endpoint that is down is reported in seconds; checks retry on their own terms.
    public static let httpClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: OllamaClient.httpClientConfiguration()
    )

    public init(
        pipeline: PipelineSpec, launch: ReleaseLaunch, httpClient: HTTPClient = StepServices.httpClient, smokeHeaders: [String: String] = [:],
        readFile: @escaping @Sendable (String) async throws -> String? = { _ in nil },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        gate: GateSource? = nil
    ) {
        self.pipeline = pipeline
        self.launch = launch
        self.httpClient = httpClient
        self.smokeHeaders = smokeHeaders
        self.readFile = readFile
        self.sleep = sleep
        self.gate = gate
    }
}
