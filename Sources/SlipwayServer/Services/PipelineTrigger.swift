import ServiceLifecycle
import SlipwayCore
import SlipwayEngine

/// What starts runs in `slipway serve`: the pipeline's ``BranchWatcher``, polling every
/// `interval` and woken at once by webhook deliveries.
public struct PipelineTrigger: Sendable {
    public var watcher: BranchWatcher
    public var interval: Duration
    /// Hears every poll's result (the CLI prints them).
    public var report: @Sendable (BranchWatcher.Poll) -> Void

    public init(watcher: BranchWatcher, interval: Duration, report: @escaping @Sendable (BranchWatcher.Poll) -> Void = { _ in }) {
        self.watcher = watcher
        self.interval = interval
        self.report = report
    }

    public var pipeline: String { watcher.pipeline }
    public var branch: String { watcher.branch }
}

/// The watcher as a service: polls until graceful shutdown, which stops polling and the runs
/// under way, each after its current step (the next runner resumes them).
struct BranchWatcherService: Service {
    let trigger: PipelineTrigger
    let wakeUps: BranchWatcher.WakeUps

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await trigger.watcher.run(interval: trigger.interval, wakeUps: wakeUps, report: trigger.report)
        }
    }
}
