import Foundation
import Logging
import ServiceLifecycle
import SlipwayCore
import SlipwayEngine
import SlipwayLedger

/// Turns what the runs of this process report (``RunProgress``) into ``ServerMetrics``: runs
/// started, promotions by result, and step and gate durations taken from the ledger's step
/// times (exact, and right across a restart). A ``Service``: ``observe(_:)`` only queues, so
/// a run never waits for a metric; the queue is read here, with the ledger lookups.
final class RunMetricsRecorder: Service {
    let ledger: Ledger
    let metrics: ServerMetrics
    let logger: Logger
    private let progress: AsyncStream<RunProgress>
    private let continuation: AsyncStream<RunProgress>.Continuation

    init(ledger: Ledger, metrics: ServerMetrics, logger: Logger) {
        self.ledger = ledger
        self.metrics = metrics
        self.logger = logger
        (progress, continuation) = AsyncStream.makeStream(of: RunProgress.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Queues one report; called from the runs' progress callback.
    func observe(_ report: RunProgress) {
        continuation.yield(report)
    }

    func run() async {
        await withGracefulShutdownHandler {
            for await report in progress {
                await record(report)
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }

    func record(_ report: RunProgress) async {
        switch report {
        case .runStarted(_, _, _, let resumed):
            metrics.recordRunStarted(resumed: resumed)
        case .build(.stepFinished(_, let duration, let succeeded)):
            metrics.recordStep(kind: "build", environment: "", status: succeeded ? "succeeded" : "failed", duration: duration)
        case .promotion(let promotion):
            await record(promotion.event, promotionID: promotion.promotionID, environment: promotion.environment)
        default:
            break
        }
    }

    /// One event of a promotion in `environment`.
    func record(_ event: PromotionProgress.Event, promotionID: Int64, environment: String) async {
        switch event {
        case .promotionFinished(let status, _):
            metrics.recordPromotionFinished(environment: environment, result: status.rawValue)
        case .stepFinished(let ordinal, _, let status, _):
            await recordStep(promotionID: promotionID, ordinal: ordinal, environment: environment, status: status)
        case .stepStarted, .stepWaiting:
            break
        }
    }

    /// A finished promotion step's kind and duration, as the ledger has them.
    private func recordStep(promotionID: Int64, ordinal: Int, environment: String, status: StepStatus) async {
        do {
            let steps = try await ledger.transaction { tx in try await tx.steps(promotionID: promotionID) }
            guard let step = steps.first(where: { $0.ordinal == ordinal }), let started = step.startedAt, let finished = step.finishedAt
            else { return }
            let duration = Duration.milliseconds(Int64((finished.timeIntervalSince(started) * 1000).rounded()))
            metrics.recordStep(kind: step.kind, environment: environment, status: status.rawValue, duration: duration)
            if step.kind == StepKind.gate.rawValue, status == .succeeded {
                metrics.recordGateWait(environment: environment, duration: duration)
            }
        } catch {
            logger.warning("cannot read a step's times for the metrics", metadata: ["promotion": "\(promotionID)", "error": "\(error)"])
        }
    }
}
