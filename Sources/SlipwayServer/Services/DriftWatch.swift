import ServiceLifecycle
import SlipwayCore
import SlipwayEngine
import SlipwayTargets

/// The environments `slipway serve` checks for drift, as `slipway watch` does.
public struct DriftWatch: Sendable {
    public var monitor: EnvironmentDriftMonitor
    public var environments: [EnvironmentSpec]
    /// Hears every round that found something (the CLI prints them).
    public var report: @Sendable (String, DriftReport) -> Void

    public init(
        monitor: EnvironmentDriftMonitor, environments: [EnvironmentSpec],
        report: @escaping @Sendable (String, DriftReport) -> Void = { _, _ in }
    ) {
        self.monitor = monitor
        self.environments = environments
        self.report = report
    }
}

/// The drift monitor as a service. With no environment to watch it has nothing to do, and
/// waits for shutdown instead of ending (an ended service would stop the whole server).
struct DriftMonitorService: Service {
    let watch: DriftWatch

    func run() async {
        if EnvironmentDriftMonitor.watched(watch.environments).isEmpty {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await watch.monitor.run(watch.environments, report: watch.report)
        }
    }
}
