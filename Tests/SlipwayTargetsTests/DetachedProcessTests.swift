import Foundation
import SlipwaySystem
import SlipwayTestSupport
import Testing

@Suite("detached processes")
struct DetachedProcessTests {
    @Test("a detached process inherits none of Slipway's descriptors, only stdin, stdout and stderr")
    func inheritsNoDescriptor() async throws {
        let scratch = try TemporaryDirectory(prefix: "detached")
        // A descriptor opened without O_CLOEXEC, as a library might, moved high so it cannot be
        // mistaken for one the child opens itself.
        let opened = open(scratch.path("held"), O_CREAT | O_RDWR, 0o600)
        try #require(opened > 2)
        let held: Int32 = 200
        try #require(dup2(opened, held) == held)
        close(opened)
        defer { close(held) }

        let log = scratch.path("fds.log")
        let pid = try DetachedProcess.spawn(executable: "/bin/sh", arguments: ["-c", "exec ls /proc/self/fd"], environment: ProcessInfo.processInfo.environment, logPath: log)
        let deadline = ContinuousClock.now + .seconds(20)
        while DetachedProcess.isAlive(pid), ContinuousClock.now < deadline {
            DetachedProcess.reap(pid)
            try await Task.sleep(for: .milliseconds(10))
        }
        let listed = try String(contentsOfFile: log, encoding: .utf8).split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        #expect(listed.contains(0) && listed.contains(1) && listed.contains(2), "\(listed)")
        #expect(!listed.contains(held), "the child inherited descriptor \(held): \(listed)")
        // Besides 0–2, only the one ls opened to read /proc/self/fd.
        #expect(listed.filter { $0 > 2 }.count <= 1, "\(listed)")
        // Debian 12's glibc (2.36) has addclosefrom: no descriptor opened by another thread
        // between listing and spawning can slip through.
        #expect(DetachedProcess.closesDescriptorsInOneStep)
    }
}
