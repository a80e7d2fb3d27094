import Foundation
import SlipwayTargets

/// The Local target as a ``ReleaseTarget``: the stable release and the candidate in the two
/// slots of a ``LocalEnvironment``, which colour holds which recorded in `releases.json`.
public actor LocalReleaseTarget: ReleaseTarget {
    public let environment: LocalEnvironment

    struct Placement: Codable, Equatable {
        var releaseID: String
        var colour: SlotColour
    }

    struct Placements: Codable, Equatable {
        var stable: Placement?
        var candidate: Placement?
        var previous: Placement?
    }

    public init(environment: LocalEnvironment) {
        self.environment = environment
    }

    nonisolated public var liveURL: String { "http://127.0.0.1:\(environment.haproxy.configuration.listenPort)" }
    var placementsPath: String { environment.directory + "/releases.json" }

    /// Which release is in which slot. A missing file means nothing was deployed yet; a file that
    /// cannot be read is an error, never "nothing deployed": deploying into a slot believed idle
    /// could stop the release that serves users.
    func placements() throws -> Placements {
        guard FileManager.default.fileExists(atPath: placementsPath) else { return Placements() }
        guard let data = FileManager.default.contents(atPath: placementsPath) else {
            throw LocalTargetError("cannot read \(placementsPath); check its permissions")
        }
        do {
            return try JSONDecoder().decode(Placements.self, from: data)
        } catch {
            throw LocalTargetError(
                "\(placementsPath) is damaged (\(error)); compare it with `slipway status` and HAProxy's stats page, then fix or remove it"
            )
        }
    }

    func save(_ placements: Placements) throws {
        try FileManager.default.createDirectory(atPath: environment.directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(placements).write(to: URL(fileURLWithPath: placementsPath), options: .atomic)
    }

    public func deploy(_ release: ReleaseLaunch) async throws -> String {
        var current = try placements()
        try await environment.up()
        if let candidate = current.candidate, candidate.releaseID == release.releaseID,
           let slot = environment.slots.running(candidate.colour), slot.releaseID == release.releaseID {
            return "http://127.0.0.1:\(slot.port)"
        }
        if current.candidate != nil { try await abortCandidate(current) }
        current = try placements()
        if let previous = current.previous {
            // A new promotion needs the previous release's slot.
            try await environment.retire(previous.colour)
            current.previous = nil
        }
        let colour = current.stable?.colour.other ?? .blue
        current.candidate = Placement(releaseID: release.releaseID, colour: colour)
        try save(current)
        let launch = SlotLaunch(
            releaseID: release.releaseID, executable: release.executable,
            arguments: ["serve", "--model", release.model, "--keys-file", release.keysFile, "--release-id", release.releaseID,
                        "--build-commit", release.commitSHA, "--health-interval", "500ms"]
                + release.ollamaEndpoints.flatMap { ["--ollama", $0] }
        )
        let slot = try await environment.deploy(launch, into: colour)
        return "http://127.0.0.1:\(slot.port)"
    }

    public func setCandidateWeight(_ percent: Int, release: String) async throws {
        let current = try placements()
        guard let candidate = current.candidate, candidate.releaseID == release else {
            throw LocalTargetError("there is no candidate \(release) in \(environment.name) to give traffic to")
        }
        let share = min(100, max(0, percent))
        guard let stable = current.stable else {
            // The first release of an environment: nothing to share with.
            try await environment.setWeights([candidate.colour: 100])
            return
        }
        try await environment.setWeights([candidate.colour: share, stable.colour: 100 - share])
    }

    public func promoteCandidate(release: String) async throws {
        var current = try placements()
        guard let candidate = current.candidate, candidate.releaseID == release else {
            if current.stable?.releaseID == release { return }  // already promoted (a resumed step)
            throw LocalTargetError(
                "the candidate in \(environment.name) is \(current.candidate?.releaseID ?? "none"), not \(release); it is not promoted"
            )
        }
        var weights: [SlotColour: Int] = [candidate.colour: 100]
        if let stable = current.stable { weights[stable.colour] = 0 }
        try await environment.setWeights(weights)
        current.previous = current.stable
        current.stable = candidate
        current.candidate = nil
        try save(current)
    }

    public func retirePrevious() async throws {
        var current = try placements()
        guard let previous = current.previous else { return }
        try await environment.retire(previous.colour)
        current.previous = nil
        try save(current)
    }

    public func rollBack(release: String, trafficRestored: @Sendable () async -> Void = {}) async throws {
        var current = try placements()
        if let candidate = current.candidate, candidate.releaseID == release {
            try await abortCandidate(current, trafficRestored: trafficRestored)
            return
        }
        // Already made stable: swap back to the previous release if it is still there.
        guard let stable = current.stable, stable.releaseID == release else { return }
        guard let previous = current.previous, environment.slots.running(previous.colour) != nil else {
            throw LocalTargetError(
                "\(release) is already the stable release of \(environment.name) and the previous release is no longer running; roll back with `slipway rollback --env \(environment.name) --to RELEASE`"
            )
        }
        try await environment.readyForTraffic(previous.colour)
        try await environment.setWeights([previous.colour: 100, stable.colour: 0])
        await trafficRestored()
        current.stable = previous
        current.previous = nil
        try save(current)
        try await environment.retire(stable.colour, drainTimeout: .seconds(10))
    }

    private func abortCandidate(_ placements: Placements, trafficRestored: @Sendable () async -> Void = {}) async throws {
        var current = placements
        guard let candidate = current.candidate else { return }
        // Weight first, at once; draining and stopping follow.
        if let stable = current.stable, environment.slots.running(stable.colour) != nil {
            try await environment.setWeights([stable.colour: 100, candidate.colour: 0])
        } else {
            try await environment.setWeights([candidate.colour: 0])
        }
        await trafficRestored()
        current.candidate = nil
        try save(current)
        try await environment.retire(candidate.colour, drainTimeout: .seconds(10))
    }

    public func candidateURL() async -> String? {
        guard let candidate = (try? placements())?.candidate, let slot = environment.slots.running(candidate.colour) else { return nil }
        return "http://127.0.0.1:\(slot.port)"
    }

    public func comparison(for release: String) async -> ReleaseComparison {
        let current = (try? placements()) ?? Placements()
        func url(_ placement: Placement?) -> String? {
            guard let placement, let slot = environment.slots.running(placement.colour) else { return nil }
            return "http://127.0.0.1:\(slot.port)"
        }
        if current.candidate?.releaseID == release {
            return ReleaseComparison(release: url(current.candidate), baseline: url(current.stable), baselineRelease: current.stable?.releaseID)
        }
        if current.stable?.releaseID == release {
            return ReleaseComparison(release: url(current.stable), baseline: url(current.previous), baselineRelease: current.previous?.releaseID)
        }
        return ReleaseComparison(release: nil, baseline: url(current.stable), baselineRelease: current.stable?.releaseID)
    }

    public func proxyMetrics(for release: String) async -> ProxyMetrics? {
        let current = (try? placements()) ?? Placements()
        guard let placement = [current.candidate, current.stable, current.previous].compactMap({ $0 }).first(where: { $0.releaseID == release })
        else { return nil }
        let configuration = environment.haproxy.configuration
        return ProxyMetrics(
            url: "http://127.0.0.1:\(configuration.statsPort)/metrics", backend: configuration.backend, server: placement.colour.rawValue
        )
    }

    public func state() async -> TargetState {
        let current = (try? placements()) ?? Placements()
        let weights = environment.desiredWeights()
        func describe(_ placement: Placement?) -> TargetState.Release? {
            guard let placement else { return nil }
            return TargetState.Release(
                releaseID: placement.releaseID, slot: placement.colour.rawValue, weight: weights[placement.colour] ?? 0,
                healthy: environment.slots.running(placement.colour) != nil
            )
        }
        return TargetState(stable: describe(current.stable), candidate: describe(current.candidate), previous: describe(current.previous))
    }
}
