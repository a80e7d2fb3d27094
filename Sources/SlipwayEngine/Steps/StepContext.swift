import Foundation
import SlipwayCore

/// What a step runner knows about the promotion it works for.
public struct StepContext: Sendable {
    public var promotionID: Int64
    public var stepID: Int64
    public var pipeline: String
    public var environment: String
    public var releaseID: String
    public var commitSHA: String
    /// Which attempt this is (1 for the first).
    public var attempt: Int
    /// When the step first started (for pauses and delays measured from it).
    public var stepStartedAt: Date
    /// The current time (injected: tests move it by hand).
    public var now: @Sendable () -> Date
    /// Where the release runs.
    public var target: any ReleaseTarget
    /// The specs, the release's launch and the clients steps use.
    public var services: StepServices

    public init(
        promotionID: Int64, stepID: Int64, pipeline: String, environment: String, releaseID: String, commitSHA: String,
        attempt: Int, stepStartedAt: Date, now: @escaping @Sendable () -> Date, target: any ReleaseTarget, services: StepServices
    ) {
        self.promotionID = promotionID
        self.stepID = stepID
        self.pipeline = pipeline
        self.environment = environment
        self.releaseID = releaseID
        self.commitSHA = commitSHA
        self.attempt = attempt
        self.stepStartedAt = stepStartedAt
        self.now = now
        self.target = target
        self.services = services
    }

    /// How long the step has been running (across attempts and restarts).
    public var elapsed: Duration {
        .milliseconds(Int64(max(0, now().timeIntervalSince(stepStartedAt)) * 1000))
    }
}
