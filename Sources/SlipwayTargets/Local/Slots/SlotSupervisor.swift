import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwaySystem

/// Starts, finds again and stops the ModelServe processes of one local environment's slots.
///
/// A slot's process runs in a session of its own and is recorded in `slots/<colour>.json` (pid,
/// port, release), so Slipway can reattach after its own restart. ``start(_:in:)`` waits until
/// the slot answers `/ready`; a slot that never does is stopped and reported with its log.
public struct SlotSupervisor: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    func recordPath(_ colour: SlotColour) -> String { "\(directory)/slots/\(colour.rawValue).json" }
    /// The pid of a slot process started but not yet ready, so a Slipway killed during the wait
    /// leaves nothing it cannot find again: the next start or stop of the colour ends it.
    func startingPath(_ colour: SlotColour) -> String { "\(directory)/slots/\(colour.rawValue).starting" }

    /// The recorded slot of `colour`, if its process is still the one recorded and alive.
    public func running(_ colour: SlotColour) -> SlotRecord? {
        guard let record = recorded(colour), DetachedProcess.isAlive(record.pid),
              DetachedProcess.commandLine(record.pid)?.contains("serve") == true
        else { return nil }
        return record
    }

    /// The record of `colour`, alive or not.
    public func recorded(_ colour: SlotColour) -> SlotRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(colour)) else { return nil }
        return try? Self.decoder.decode(SlotRecord.self, from: data)
    }

    /// Starts `launch` in the `colour` slot (stopping whatever ran there) and waits until it is ready.
    ///
    /// The old record is replaced only by the new one: a start that fails leaves the slot
    /// recorded (and dead), so drift detection keeps reporting it instead of forgetting it. A
    /// process that does not get ready — or a start that is cancelled — is stopped, never left.
    public func start(_ launch: SlotLaunch, in colour: SlotColour, readyTimeout: Duration = .seconds(20)) async throws -> SlotRecord {
        let replacing = recorded(colour) != nil
        await stop(colour, keepingRecord: true)
        try FileManager.default.createDirectory(atPath: directory + "/slots", withIntermediateDirectories: true)
        let logPath = "\(directory)/slots/\(colour.rawValue).log"
        // A crashed slot's log says why it died: keep the last one beside the new.
        if replacing, FileManager.default.fileExists(atPath: logPath) {
            try? FileManager.default.removeItem(atPath: logPath + ".previous")
            try? FileManager.default.moveItem(atPath: logPath, toPath: logPath + ".previous")
        }
        try? FileManager.default.removeItem(atPath: logPath)
        // PATH and the locale, plus what the launch gives it (MODELSERVE_*): never Slipway's own variables.
        let pid = try DetachedProcess.spawn(
            executable: launch.executable, arguments: launch.arguments + ["--port", "0"],
            environment: MinimalEnvironment.of().merging(launch.environment) { _, given in given }, logPath: logPath
        )
        do {
            try "\(pid)\n".write(toFile: startingPath(colour), atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: startingPath(colour)) }
            return try await waitUntilReady(pid: pid, launch: launch, colour: colour, logPath: logPath, readyTimeout: readyTimeout)
        } catch {
            await DetachedProcess.terminate(pid, grace: .seconds(2))
            throw error
        }
    }

    /// Waits for the slot's process to announce its port and answer `/ready`, then records it.
    private func waitUntilReady(
        pid: pid_t, launch: SlotLaunch, colour: SlotColour, logPath: String, readyTimeout: Duration
    ) async throws -> SlotRecord {
        let deadline = ContinuousClock.now + readyTimeout
        var port: Int?
        while ContinuousClock.now < deadline {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if port == nil { port = Self.announcedPort(in: output) }
            if let port, await Self.answers(port: port, path: "/ready") {
                let record = SlotRecord(
                    colour: colour, releaseID: launch.releaseID, pid: pid, port: port, startedAt: Date(), logPath: logPath,
                    launch: launch
                )
                try Self.encoder.encode(record).write(to: URL(fileURLWithPath: recordPath(colour)), options: .atomic)
                return record
            }
            DetachedProcess.reap(pid)
            if !DetachedProcess.isAlive(pid) {
                throw LocalTargetError(
                    "ModelServe \(launch.releaseID) exited before it was ready in the \(colour.rawValue) slot", log: output
                )
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw LocalTargetError(
            "ModelServe \(launch.releaseID) was not ready within \(readyTimeout) in the \(colour.rawValue) slot (/ready never answered 200)",
            log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        )
    }

    /// Stops the slot's process (SIGTERM: ModelServe finishes requests in flight) and forgets it.
    public func stop(_ colour: SlotColour, grace: Duration = .seconds(10)) async {
        await stop(colour, grace: grace, keepingRecord: false)
    }

    private func stop(_ colour: SlotColour, grace: Duration = .seconds(10), keepingRecord: Bool) async {
        if let record = running(colour) {
            await DetachedProcess.terminate(record.pid, grace: grace)
        }
        if let text = try? String(contentsOfFile: startingPath(colour), encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           DetachedProcess.isAlive(pid), DetachedProcess.commandLine(pid)?.contains("serve") == true {
            await DetachedProcess.terminate(pid, grace: .seconds(2))
        }
        try? FileManager.default.removeItem(atPath: startingPath(colour))
        if !keepingRecord { try? FileManager.default.removeItem(atPath: recordPath(colour)) }
    }

    /// Whether `GET path` on 127.0.0.1:`port` answers 200.
    static func answers(port: Int, path: String) async -> Bool {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status.code == 200
    }

    /// The port of model-serve's `model-serve listening on HOST:PORT` line.
    static func announcedPort(in output: String) -> Int? {
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "listening on ") else { continue }
            let address = line[range.upperBound...].split(separator: " ").first ?? ""
            guard let colon = address.lastIndex(of: ":") else { continue }
            if let port = Int(address[address.index(after: colon)...].prefix { $0.isNumber }), port > 0 { return port }
        }
        return nil
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
