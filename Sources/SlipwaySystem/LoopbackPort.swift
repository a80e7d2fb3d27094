import Foundation

/// TCP ports on 127.0.0.1: one nothing listens on, and whether something does.
public enum LoopbackPort {
    /// A port on 127.0.0.1 that nothing listens on right now, chosen below the kernel's range of
    /// ephemeral ports (`net.ipv4.ip_local_port_range`), so an outgoing connection cannot take it
    /// between now and the moment the caller's server binds it.
    ///
    /// Another process may still take it; callers that can should let their server bind port 0
    /// and report the port instead.
    public static func free() throws -> Int {
        let ephemeralStart = ephemeralRange().lowerBound
        // 2000 below the range, so a companion port (Slipway puts HAProxy's stats at port + 1000)
        // is below it too.
        let candidates = 10_000..<max(10_001, min(ephemeralStart, 32_768) - 2000)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let port = Int.random(in: candidates, using: &generator)
            if try canBind(port) { return port }
        }
        throw SystemError("no free loopback port found below \(ephemeralStart) after 200 tries")
    }

    /// The kernel's ephemeral port range (32768…60999 when it cannot be read).
    static func ephemeralRange() -> ClosedRange<Int> {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else {
            return 32_768...60_999
        }
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] <= numbers[1] else { return 32_768...60_999 }
        return numbers[0]...numbers[1]
    }

    /// Whether a listening socket can be bound to 127.0.0.1:`port` now.
    static func canBind(_ port: Int) throws -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SystemError("cannot open a socket to find a free port", errno: errno) }
        defer { close(descriptor) }
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 && !isListening(port)
    }

    /// Whether something accepts connections on 127.0.0.1:`port`.
    public static func isListening(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
