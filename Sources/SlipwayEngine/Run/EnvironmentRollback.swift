import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTargets

/// `slipway rollback`: moves an environment's traffic back to an earlier release — the previous
/// one while its slot still runs (a weight swap), else one kept under `releases/` (started in the
/// idle slot, then switched to, as blue/green does) — and records who did it and why.
public struct EnvironmentRollback: Sendable {
    public var ledger: Ledger
    public var stateDirectory: String
    public var actor: String

    public init(ledger: Ledger, stateDirectory: String, actor: String) {
        self.ledger = ledger
        self.stateDirectory = stateDirectory
        self.actor = actor
    }

    /// Rolls `environment` back to `release` (nil: the release live before the current one).
    /// Returns the releases it moved from and to.
    public func rollBack(
        environment: EnvironmentSpec, pipeline: PipelineSpec, to release: String?, reason: String
    ) async throws -> (from: String, to: String) {
        guard case .local(let port) = environment.target else {
            throw RunError("\(environment.name) uses a Kubernetes target, which this build of Slipway cannot drive yet")
        }
        let local = LocalEnvironment.forSpec(name: environment.name, port: port, stateDirectory: stateDirectory)
        let target = LocalReleaseTarget(environment: local)
        return try await ledger.withLock("environment:\(environment.name)") {
            let state = await target.state()
            guard let current = state.stable else {
                throw RunError("\(environment.name) has no live release to roll back")
            }
            guard state.candidate == nil else {
                throw RunError("a promotion to \(environment.name) is under way; let it finish or fail first")
            }
            let history = try await ledger.transaction { tx in try await tx.succeededPromotions(environment: environment.name) }
            let chosen: String
            if let release {
                chosen = release
            } else if let previous = state.previous, previous.healthy {
                chosen = previous.releaseID
            } else if let earlier = history.first(where: { $0.releaseID != current.releaseID }) {
                chosen = earlier.releaseID
            } else {
                throw RunError("\(environment.name) has had no release before \(current.releaseID) to roll back to")
            }
            guard chosen != current.releaseID else {
                throw RunError("\(chosen) is already the live release of \(environment.name)")
            }
            if let previous = state.previous, previous.releaseID == chosen, previous.healthy {
                try await target.rollBack(release: current.releaseID) {}
            } else {
                guard let promotion = history.first(where: { $0.releaseID == chosen }) else {
                    throw RunError("\(chosen) was never released to \(environment.name); see `slipway history --env \(environment.name)`")
                }
                guard let kept = ReleaseStore(directory: local.directory).kept(
                    release: chosen, commitSHA: promotion.commitSHA, fallbackModel: pipeline.model?.name
                ) else {
                    throw RunError("the files of \(chosen) are no longer kept under \(local.directory)/releases/\(chosen)")
                }
                // Hashed again against the digest the ledger recorded for its build before it starts.
                let artifacts = try await ledger.transaction { tx in try await tx.artifacts(runID: promotion.runID) }
                let binary = artifacts.first(where: { $0.name == "binary" }) ?? artifacts.first(where: { $0.kind == "binary" })
                if let recorded = binary?.digest ?? kept.digest {
                    do {
                        try ReleaseStore.verify(executable: kept.executable, against: recorded, what: "the digest recorded for \(chosen)")
                    } catch let tampered as ReleaseStore.TamperedRelease {
                        throw RunError("cannot roll \(environment.name) back to \(chosen): \(tampered)")
                    }
                }
                let launch = ReleaseLaunch(
                    releaseID: chosen, commitSHA: promotion.commitSHA, executable: kept.executable, model: kept.model,
                    ollamaEndpoints: environment.ollamaEndpoints, keysFile: local.directory + "/keys.json"
                )
                _ = try await target.deploy(launch)
                try await target.promoteCandidate(release: chosen)
                try await target.retirePrevious()
            }
            try await ledger.transaction { tx in
                _ = try await tx.appendEvent(NewEvent(
                    actor: actor, kind: "environment.rollback", subject: "environment/\(environment.name)",
                    payload: .object(["from": .string(current.releaseID), "to": .string(chosen), "reason": .string(reason)])
                ))
            }
            return (current.releaseID, chosen)
        }
    }
}
