import Foundation
import SlipwaySystem

extension LocalEnvironment {
    /// Compares what runs with what Slipway last asked for: HAProxy alive, every recorded slot's
    /// process alive, and HAProxy's weights equal to `traffic.json`.
    ///
    /// An environment with no recorded slot (never deployed, or stopped with `slipway down`)
    /// runs nothing on purpose: there is nothing to drift from.
    public func inspect() async -> DriftReport {
        var found: [EnvironmentDrift] = []
        guard SlotColour.allCases.contains(where: { slots.recorded($0) != nil }) else { return DriftReport() }
        let weights = desiredWeights()
        let proxyUp = haproxy.runningPID() != nil
        if !proxyUp { found.append(.proxyDown) }
        for colour in SlotColour.allCases {
            if let record = slots.recorded(colour), slots.running(colour) == nil {
                found.append(.slotDown(colour, release: record.releaseID))
            }
        }
        if proxyUp, let states = try? await runtime.serverStates(backend: backend) {
            for colour in SlotColour.allCases where slots.running(colour) != nil {
                let expected = weights[colour] ?? 0
                if let actual = states.first(where: { $0.name == colour.rawValue })?.weight, actual != expected {
                    found.append(.weight(colour, expected: expected, actual: actual))
                }
            }
        }
        return DriftReport(found: found)
    }

    /// Inspects the environment and puts it back: HAProxy restarted, crashed slots started again
    /// as they were launched (on a new port, waiting until ready), and the recorded weights
    /// applied. A slot recorded without its launch cannot be restarted, and says so.
    public func heal(readyTimeout: Duration = .seconds(20)) async -> DriftReport {
        var report = await inspect()
        guard !report.isClean else { return report }
        for drift in report.found {
            guard case .slotDown(let colour, let release) = drift else { continue }
            guard let launch = slots.recorded(colour)?.launch else {
                report.failures.append("the \(colour.rawValue) slot (\(release)) was recorded without how to start it; deploy it again")
                continue
            }
            do {
                _ = try await slots.start(launch, in: colour, readyTimeout: readyTimeout)
                report.repaired.append("started the \(colour.rawValue) slot (\(release)) again")
            } catch {
                report.failures.append("the \(colour.rawValue) slot (\(release)) did not start again: \(error)")
            }
        }
        do {
            // Restarts HAProxy when it is down, points its servers at the slots' (new) ports and
            // applies the recorded weights.
            let outcome = try await up()
            if report.found.contains(.proxyDown), case .started(let pid) = outcome { report.repaired.append("started HAProxy again (pid \(pid))") }
            if report.found.contains(where: { if case .weight = $0 { true } else { false } }) {
                report.repaired.append("applied the recorded weights \(describe(desiredWeights()))")
            }
        } catch {
            report.failures.append("HAProxy could not be brought back: \(error)")
        }
        return report
    }

    private func describe(_ weights: [SlotColour: Int]) -> String {
        SlotColour.allCases.map { "\($0.rawValue) \(weights[$0] ?? 0)" }.joined(separator: ", ")
    }
}
