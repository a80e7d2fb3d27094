import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client of HAProxy's runtime API: the admin `stats socket` (a unix stream socket) on which
/// HAProxy takes commands such as `set weight app/blue 50` and changes its running state
/// without a reload. The Local target moves traffic only through it.
///
/// Every command uses a connection of its own, in HAProxy's non-interactive mode: connect,
/// send one line, read until HAProxy closes the connection. The typed helpers check HAProxy's
/// answer and throw ``HAProxyRuntimeError`` unless it is the command's known success answer
/// (HAProxy 2.6 answers most failures in plain text, e.g. `No such server.`).
///
/// ```swift
/// let haproxy = HAProxyRuntimeClient(socketPath: "/run/slipway/haproxy/admin.sock")
/// try await haproxy.setWeight(backend: "app", server: "green", weight: 100)
/// try await haproxy.setState(backend: "app", server: "blue", .drain)
/// ```
public struct HAProxyRuntimeClient: Sendable {
    /// The path of HAProxy's admin socket.
    public let socketPath: String
    /// The longest HAProxy may take to accept the command, or stay silent while answering.
    public let timeout: Duration

    /// - Parameters:
    ///   - socketPath: the path on a `stats socket … level admin` line of HAProxy's `global` section.
    ///   - timeout: the longest each step (connecting, sending, each read) may wait; at least 1 ms.
    public init(socketPath: String, timeout: Duration = .seconds(2)) {
        self.socketPath = socketPath
        self.timeout = max(timeout, .milliseconds(1))
    }

    // MARK: Raw commands

    /// Sends one command and returns HAProxy's whole answer, as it was sent (usually ending in
    /// an empty line). Does not judge the answer: HAProxy reports most failures as text.
    ///
    /// The blocking socket work runs on a dispatch queue, never on the concurrency pool.
    ///
    /// - Throws: ``HAProxyRuntimeError`` when the command holds a newline, carriage return,
    ///   NUL or `;` (it could run a second command; nothing is sent), or the socket fails or
    ///   times out.
    public func execute(_ command: String) async throws -> String {
        if let problem = Self.problem(inCommand: command) {
            throw error(command, .invalidCommand(reason: problem))
        }
        let address = try socketAddress(for: command)
        return try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                continuation.resume(with: Result { try exchange(command, address: address) })
            }
        }
    }

    // MARK: Typed commands

    /// `set weight BACKEND/SERVER WEIGHT`: the server's user weight, 0 (no new traffic) to 256.
    ///
    /// - Throws: ``HAProxyRuntimeError`` with HAProxy's answer, e.g. `No such server.`,
    ///   `No such backend.`, or nothing sent when `weight` is outside 0…256.
    public func setWeight(backend: String, server: String, weight: Int) async throws {
        let command = "set weight \(backend)/\(server) \(weight)"
        try validate(command, names: [backend, server])
        guard (0...256).contains(weight) else {
            throw error(command, .invalidCommand(reason: "a weight is between 0 and 256, not \(weight)"))
        }
        try await expectEmptyAnswer(to: command)
    }

    /// `set server BACKEND/SERVER state ready|drain|maint`.
    ///
    /// - Throws: ``HAProxyRuntimeError`` with HAProxy's answer, e.g. `No such server.`.
    public func setState(backend: String, server: String, _ state: ServerAdminState) async throws {
        let command = "set server \(backend)/\(server) state \(state.rawValue)"
        try validate(command, names: [backend, server])
        try await expectEmptyAnswer(to: command)
    }

    /// `set server BACKEND/SERVER addr HOST port PORT`: where the server's new connections go.
    ///
    /// `host` must be an IP address (HAProxy 2.6 answers `Invalid addr 'localhost'` to a name).
    /// HAProxy's success answers name what changed: `IP changed from '127.0.0.1' to '127.0.0.2',
    /// port changed from '8081' to '8090' by 'stats socket command'`, or `no need to change the
    /// addr, no need to change the port by 'stats socket command'`, and mixtures of the two.
    ///
    /// - Throws: ``HAProxyRuntimeError`` with HAProxy's answer when any part of it is not one of
    ///   those, e.g. `No such server.` or `Invalid addr '…'`.
    public func setAddress(backend: String, server: String, host: String, port: Int) async throws {
        let command = "set server \(backend)/\(server) addr \(host) port \(port)"
        try validate(command, names: [backend, server])
        guard !host.isEmpty, host.unicodeScalars.allSatisfy({ Self.addressCharacters.contains($0) }) else {
            throw error(command, .invalidCommand(reason: "'\(host)' is not an IP address"))
        }
        guard (1...65_535).contains(port) else {
            throw error(command, .invalidCommand(reason: "a port is between 1 and 65535, not \(port)"))
        }
        let answer = try await execute(command)
        let text = Self.trimmed(answer)
        guard Self.isAddressChange(text) else { throw error(command, .rejected(answer: text)) }
    }

    /// The servers of `backend` as `show servers state BACKEND` reports them, in configuration order.
    ///
    /// - Throws: ``HAProxyRuntimeError`` with HAProxy's answer (`Can't find backend.` for an
    ///   unknown backend), or when the table cannot be read.
    public func serverStates(backend: String) async throws -> [HAProxyServerState] {
        let command = "show servers state \(backend)"
        try validate(command, names: [backend])
        let answer = try await execute(command)
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let headerIndex = lines.firstIndex(where: { $0.hasPrefix("#") }) else {
            throw error(command, .rejected(answer: Self.trimmed(answer)))
        }
        let names = lines[headerIndex].dropFirst().split(separator: " ").map(String.init)
        var servers: [HAProxyServerState] = []
        for line in lines[(headerIndex + 1)...] where !line.hasPrefix("#") {
            let values = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard values.count == names.count else {
                throw error(command, .unreadableAnswer(
                    answer: Self.trimmed(answer),
                    detail: "a row has \(values.count) fields where the header names \(names.count)"
                ))
            }
            let fields = Dictionary(zip(names, values), uniquingKeysWith: { first, _ in first })
            guard let server = HAProxyServerState(fields: fields) else {
                throw error(command, .unreadableAnswer(
                    answer: Self.trimmed(answer),
                    detail: "a row lacks srv_name, srv_addr, srv_port, srv_op_state, srv_admin_state or srv_uweight"
                ))
            }
            servers.append(server)
        }
        return servers
    }

    /// Every row of `show stat`: one per frontend, backend and server, every column kept.
    ///
    /// - Throws: ``HAProxyRuntimeError`` when the answer is not HAProxy's CSV table.
    public func statistics() async throws -> [HAProxyStatRow] {
        let command = "show stat"
        let answer = try await execute(command)
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let header = lines.first, header.hasPrefix("# ") else {
            throw error(command, .rejected(answer: Self.trimmed(answer)))
        }
        let names = Self.csvFields(String(header.dropFirst(2)))
        return lines.dropFirst().map { line in
            var columns: [String: String] = [:]
            for (name, value) in zip(names, Self.csvFields(line)) where !name.isEmpty {
                columns[name] = value
            }
            return HAProxyStatRow(columns: columns)
        }
    }

    // MARK: Checking answers

    private func expectEmptyAnswer(to command: String) async throws {
        let answer = Self.trimmed(try await execute(command))
        guard answer.isEmpty else { throw error(command, .rejected(answer: answer)) }
    }

    /// Whether every part of a `set server … addr` answer is a success: HAProxy joins one
    /// part about the address and one about the port with ", " and ends with "by '<who>'".
    static func isAddressChange(_ answer: String) -> Bool {
        var text = Substring(answer)
        if let by = text.range(of: " by '", options: .backwards) { text = text[..<by.lowerBound] }
        let parts = text.components(separatedBy: ", ")
        guard !text.isEmpty else { return false }
        return parts.allSatisfy { part in
            part == "no need to change the addr" || part == "no need to change the port"
                || part.hasPrefix("IP changed from '") || part.hasPrefix("port changed from '")
        }
    }

    private static func trimmed(_ answer: String) -> String {
        answer.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Splits one line of HAProxy's CSV, honouring double quotes (`"a,b"`, `""` for a quote).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    // Either the closing quote, or the first of a doubled one.
                    var lookahead = iterator
                    if lookahead.next() == "\"" {
                        field.append("\"")
                        iterator = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    // MARK: Refusing what could be misread

    /// Why `command` must not be sent, if it must not.
    private static func problem(inCommand command: String) -> String? {
        if command.trimmingCharacters(in: .whitespaces).isEmpty { return "the command is empty" }
        if command.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            return "it holds a line break, which would start a second command"
        }
        if command.contains(";") { return "it holds ';', which would start a second command" }
        if command.unicodeScalars.contains("\0") { return "it holds a NUL character" }
        return nil
    }

    /// Backend and server names go into commands as they are: only HAProxy's own name
    /// characters (letters, digits, '-', '_', '.', ':') are let through, so a name cannot add
    /// arguments to a command.
    private func validate(_ command: String, names: [String]) throws {
        for name in names {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ Self.nameCharacters.contains($0) }) else {
                throw error(command, .invalidCommand(
                    reason: "'\(name)' is not a backend or server name (letters, digits, '-', '_', '.', ':')"
                ))
            }
        }
    }

    private static let nameCharacters: Set<Unicode.Scalar> = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:".unicodeScalars
    )
    private static let addressCharacters: Set<Unicode.Scalar> = Set("0123456789abcdefABCDEF.:".unicodeScalars)

    private func error(_ command: String, _ failure: HAProxyRuntimeError.Failure) -> HAProxyRuntimeError {
        HAProxyRuntimeError(command: command, socketPath: socketPath, failure: failure)
    }

    // MARK: The socket

    /// Where blocking socket calls run, away from the concurrency pool.
    private static let queue = DispatchQueue(label: "slipway.haproxy-runtime", attributes: .concurrent)

    private func socketAddress(for command: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty else { throw error(command, .unusableSocketPath(reason: "the path is empty")) }
        guard !bytes.contains(0) else { throw error(command, .unusableSocketPath(reason: "the path holds a NUL byte")) }
        guard bytes.count < capacity else {
            throw error(command, .unusableSocketPath(reason: """
                it is \(bytes.count) bytes long, and a unix socket path holds at most \(capacity - 1); \
                put the socket in a shorter directory
                """))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return address
    }

    /// Connects, sends `command` and a newline, and reads until HAProxy closes the connection.
    private func exchange(_ command: String, address: sockaddr_un) throws -> String {
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw error(command, .socket(operation: "open a socket to", errno: errno)) }
        defer { close(descriptor) }
        #if canImport(Darwin)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif

        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: .init(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
        let size = socklen_t(MemoryLayout<timeval>.size)
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, size) == 0,
              setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, size) == 0
        else { throw error(command, .socket(operation: "set timeouts on a socket to", errno: errno)) }

        var target = address
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw failure(of: "connect to", command) }

        let line = Array((command + "\n").utf8)
        var sent = 0
        while sent < line.count {
            let count = line[sent...].withUnsafeBytes { bytes in
                #if canImport(Glibc)
                send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
                #else
                send(descriptor, bytes.baseAddress, bytes.count, 0)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(of: "send a command to", command)
            }
            sent += count
        }

        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(of: "read the answer from", command)
            }
            answer.append(contentsOf: buffer[..<count])
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// The error for a failed socket call, read from errno; a timeout has its own.
    private func failure(of operation: String, _ command: String) -> HAProxyRuntimeError {
        let code = errno
        if code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT {
            return error(command, .timedOut(timeout: timeout))
        }
        return error(command, .socket(operation: operation, errno: code))
    }
}

/// The administrative state `set server BACKEND/SERVER state …` puts a server in.
public enum ServerAdminState: String, Sendable, CaseIterable {
    /// Takes new traffic (by its weight).
    case ready
    /// Takes no new sessions; sessions already on it carry on (persistent ones may still arrive).
    case drain
    /// Out of the backend: takes nothing new, and health checks stop.
    case maint
}

/// One server's row of `show servers state BACKEND`.
public struct HAProxyServerState: Sendable, Equatable {
    /// Every field of the row, by the header's names (`srv_name`, `srv_addr`, `srv_iweight`, …).
    public var fields: [String: String]
    /// `be_name`.
    public var backend: String
    /// `srv_name`.
    public var name: String
    /// `srv_addr`: the IP address new connections go to.
    public var address: String
    /// `srv_port`.
    public var port: Int
    /// `srv_op_state`: 0 stopped, 1 starting, 2 running, 3 stopping.
    public var operationalState: Int
    /// `srv_admin_state`: HAProxy's administrative flags (0x01 forced maintenance, 0x02 inherited
    /// maintenance, 0x04 maintenance by configuration, 0x08 forced drain, 0x10 inherited drain,
    /// 0x20 maintenance after a failed resolution, 0x40 address set by FQDN).
    public var adminFlags: Int
    /// `srv_uweight`: the current user weight (what `set weight` sets).
    public var weight: Int
    /// `srv_iweight`: the weight from the configuration, if reported.
    public var initialWeight: Int? { fields["srv_iweight"].flatMap { Int($0) } }

    /// Whether the server is running (or starting), as far as HAProxy can tell.
    public var isUp: Bool { operationalState == 1 || operationalState == 2 }
    /// Whether any maintenance flag is set: the server takes no traffic at all.
    public var isInMaintenance: Bool { adminFlags & 0x27 != 0 }
    /// Whether a drain flag is set: the server takes no new sessions.
    public var isDraining: Bool { adminFlags & 0x18 != 0 }

    /// Reads a row; nil when a field it needs is missing or not a number.
    public init?(fields: [String: String]) {
        guard let backend = fields["be_name"], let name = fields["srv_name"], let address = fields["srv_addr"],
              let port = fields["srv_port"].flatMap({ Int($0) }),
              let operational = fields["srv_op_state"].flatMap({ Int($0) }),
              let admin = fields["srv_admin_state"].flatMap({ Int($0) }),
              let weight = fields["srv_uweight"].flatMap({ Int($0) })
        else { return nil }
        self.fields = fields
        self.backend = backend
        self.name = name
        self.address = address
        self.port = port
        self.operationalState = operational
        self.adminFlags = admin
        self.weight = weight
    }
}

/// One row of `show stat`: a frontend (`svname` FRONTEND), a backend (BACKEND) or a server.
public struct HAProxyStatRow: Sendable, Equatable {
    /// Every column by its header name; HAProxy leaves columns that do not apply empty.
    public var columns: [String: String]

    public init(columns: [String: String]) {
        self.columns = columns
    }

    /// `pxname`: the frontend's or backend's name.
    public var proxy: String { columns["pxname"] ?? "" }
    /// `svname`: `FRONTEND`, `BACKEND`, or the server's name.
    public var server: String { columns["svname"] ?? "" }
    /// `status`: `OPEN`, `UP`, `DOWN`, `MAINT`, `DRAIN`, `no check`, ….
    public var status: String { columns["status"] ?? "" }
    /// Whether this row is a frontend's total.
    public var isFrontend: Bool { server == "FRONTEND" }
    /// Whether this row is a backend's total.
    public var isBackend: Bool { server == "BACKEND" }

    /// `weight`: a server's effective weight, or a backend's total.
    public var weight: Int? { integer("weight") }
    /// `scur`: sessions open now.
    public var currentSessions: Int? { integer("scur") }
    /// `stot`: sessions since HAProxy started.
    public var totalSessions: Int? { integer("stot") }
    /// `hrsp_2xx`: HTTP responses with a 2xx status.
    public var responses2xx: Int? { integer("hrsp_2xx") }
    /// `hrsp_5xx`: HTTP responses with a 5xx status.
    public var responses5xx: Int? { integer("hrsp_5xx") }
    /// `eresp`: responses that failed (server closed early, invalid response, …).
    public var responseErrors: Int? { integer("eresp") }
    /// `econ`: connections to a server that failed.
    public var connectionErrors: Int? { integer("econ") }
    /// `rtime`: the average response time, in milliseconds, over the last 1024 requests.
    public var averageResponseTimeMilliseconds: Int? { integer("rtime") }

    /// The column `name` as an integer; nil when it is empty or absent.
    public func integer(_ name: String) -> Int? {
        columns[name].flatMap { Int($0) }
    }
}
