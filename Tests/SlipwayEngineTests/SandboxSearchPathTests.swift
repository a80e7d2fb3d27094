import Foundation
import SlipwayTestSupport
import Testing
@testable import SlipwayEngine

/// Tools on the runner's PATH that the sandbox's private /tmp would hide are bound back; a
/// virtual environment's bin/ (syft from PyPI under .tools/, in a clone under /tmp) brings its
/// whole environment, or its script's imports would be missing.
@Suite("the sandbox's search path")
struct SandboxSearchPathTests {
    @Test("a venv's bin under /tmp binds the venv; a plain directory under /tmp binds itself; nothing of the state directory")
    func venvUnderTmp() throws {
        let scratch = try TemporaryDirectory(prefix: "sandbox-path")
        let venv = scratch.path("tools")
        let plain = scratch.path("bin")
        for directory in [venv + "/bin", venv + "/lib", plain] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try "home = /usr/bin\n".write(toFile: venv + "/pyvenv.cfg", atomically: true, encoding: .utf8)
        #expect(scratch.path("").hasPrefix("/tmp/"), "the test needs a scratch directory under /tmp")
        let bound = SandboxProfile.hiddenSearchPath("\(venv)/bin:\(plain):/usr/bin", stateDirectory: "/var/tmp/no-such-state")
        #expect(bound == [venv, plain])
        // A venv holding the state directory is not bound whole (it would show what the tmpfs hides).
        let around = SandboxProfile.hiddenSearchPath("\(venv)/bin", stateDirectory: venv + "/lib/state")
        #expect(around == [venv + "/bin"])
    }
}
