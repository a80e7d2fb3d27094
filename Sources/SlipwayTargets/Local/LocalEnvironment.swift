import Foundation
import SlipwaySystem

/// One environment of the Local target: its HAProxy, its two ModelServe slots, and the traffic
/// weights between them, all under `.slipway/local/<env>/`.
///
/// Traffic moves only through HAProxy's runtime API. The weights Slipway wants are written to
/// `traffic.json` before they are applied, so after a restart (of Slipway or of HAProxy)
/// ``up()`` puts HAProxy back in the state Slipway last asked for.
public struct LocalEnvironment: Sendable {
    public let name: String
    public let directory: String
    public let haproxy: HAProxySupervisor
    public let slots: SlotSupervisor

    public init(name: String, directory: String, listenPort: Int, statsPort: Int, haproxyExecutable: String? = nil) {
        self.name = name
        self.directory = directory
        // The admin socket lives in /tmp-length-safe form: sun_path holds 108 bytes.
        let configuration = HAProxyConfiguration(
            environment: name, listenPort: listenPort, statsPort: statsPort,
            socketPath: directory + "/admin.sock", pidFile: directory + "/haproxy.pid"
        )
        haproxy = HAProxySupervisor(configuration: configuration, directory: directory, executable: haproxyExecutable)
        slots = SlotSupervisor(directory: directory)
    }

    var backend: String { haproxy.configuration.backend }
    var runtime: HAProxyRuntimeClient { haproxy.runtime }
    var trafficPath: String { directory + "/traffic.json" }

    /// The weights Slipway last asked for, by colour.
    public func desiredWeights() -> [SlotColour: Int] {
        guard let data = FileManager.default.contents(atPath: trafficPath),
              let stored = try? JSONDecoder().decode([String: Int].self, from: data)
        else { return [:] }
        return Dictionary(uniqueKeysWithValues: stored.compactMap { key, value in SlotColour(rawValue: key).map { ($0, value) } })
    }

    /// Starts or reattaches HAProxy and points its servers at the running slots with the recorded weights.
    @discardableResult
    public func up() async throws -> HAProxySupervisor.Outcome {
        let outcome = try await haproxy.ensureRunning()
        let weights = desiredWeights()
        for colour in SlotColour.allCases {
            if let slot = slots.running(colour) {
                try await attach(slot)
                try await runtime.setWeight(backend: backend, server: colour.rawValue, weight: weights[colour] ?? 0)
            } else {
                try await runtime.setWeight(backend: backend, server: colour.rawValue, weight: 0)
                try await runtime.setState(backend: backend, server: colour.rawValue, .maint)
            }
        }
        return outcome
    }

    /// Starts `launch` in `colour` (which must not be taking traffic), waits until it is ready,
    /// and points HAProxy's server at it with weight 0 until HAProxy's own health check passes.
    public func deploy(_ launch: SlotLaunch, into colour: SlotColour, readyTimeout: Duration = .seconds(20)) async throws -> SlotRecord {
        if (desiredWeights()[colour] ?? 0) > 0, slots.running(colour) != nil {
            throw LocalTargetError("the \(colour.rawValue) slot of \(name) is taking traffic; deploy into the idle slot")
        }
        try await runtime.setWeight(backend: backend, server: colour.rawValue, weight: 0)
        try await runtime.setState(backend: backend, server: colour.rawValue, .maint)
        let record = try await slots.start(launch, in: colour, readyTimeout: readyTimeout)
        try await attach(record)
        try await waitUntilUp(colour, timeout: readyTimeout)
        return record
    }

    /// Makes `colour`'s running slot able to take traffic again — pointed at, out of `drain` or
    /// `maint` (where a retire that timed out may have left it), and seen up by HAProxy's health
    /// check — before weight is moved to it.
    public func readyForTraffic(_ colour: SlotColour, timeout: Duration = .seconds(10)) async throws {
        guard let slot = slots.running(colour) else {
            throw LocalTargetError("the \(colour.rawValue) slot of \(name) is not running")
        }
        try await attach(slot)
        try await waitUntilUp(colour, timeout: timeout)
    }

    /// Points `slot.colour`'s server at the slot's port and readies it (its weight is unchanged).
    func attach(_ slot: SlotRecord) async throws {
        try await runtime.setAddress(backend: backend, server: slot.colour.rawValue, host: "127.0.0.1", port: slot.port)
        try await runtime.setState(backend: backend, server: slot.colour.rawValue, .ready)
    }

    /// Waits until HAProxy's health check sees `colour` up.
    public func waitUntilUp(_ colour: SlotColour, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let states = try await runtime.serverStates(backend: backend)
            if states.first(where: { $0.name == colour.rawValue })?.isUp == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LocalTargetError("HAProxy's health check never saw the \(colour.rawValue) slot of \(name) up within \(timeout)")
    }

    /// Sets the traffic weights (0…256), recording them before applying them.
    public func setWeights(_ weights: [SlotColour: Int]) async throws {
        var all = desiredWeights()
        for (colour, weight) in weights {
            guard (0...256).contains(weight) else { throw LocalTargetError("a weight must be 0…256, not \(weight)") }
            all[colour] = weight
        }
        let stored = Dictionary(uniqueKeysWithValues: all.map { ($0.key.rawValue, $0.value) })
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(stored).write(to: URL(fileURLWithPath: trafficPath), options: .atomic)
        // Raise before lowering, so there is never a moment with no weight anywhere.
        for (colour, weight) in weights.sorted(by: { $0.value > $1.value }) {
            try await runtime.setWeight(backend: backend, server: colour.rawValue, weight: weight)
        }
    }

    /// Takes `colour` out of traffic and waits until HAProxy has no request open on it.
    public func drain(_ colour: SlotColour, timeout: Duration = .seconds(30)) async throws {
        try await setWeights([colour: 0])
        try await runtime.setState(backend: backend, server: colour.rawValue, .drain)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let row = try await runtime.statistics().first { $0.proxy == backend && $0.server == colour.rawValue }
            if (row?.currentSessions ?? 0) == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LocalTargetError("the \(colour.rawValue) slot of \(name) still had requests open after \(timeout) of draining")
    }

    /// Drains `colour`, puts its server in maintenance and stops its process.
    public func retire(_ colour: SlotColour, drainTimeout: Duration = .seconds(30)) async throws {
        if slots.running(colour) != nil { try await drain(colour, timeout: drainTimeout) }
        try await runtime.setState(backend: backend, server: colour.rawValue, .maint)
        await slots.stop(colour)
    }

    /// Stops both slots and HAProxy (`slipway down`).
    public func down() async {
        for colour in SlotColour.allCases { await slots.stop(colour) }
        await haproxy.stop()
    }
}
