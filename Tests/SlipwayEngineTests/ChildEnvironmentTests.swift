import SlipwayEngine
import Testing

@Suite("the environment build steps and scanners inherit")
struct ChildEnvironmentTests {
    @Test("Slipway's secrets are not passed on; everything else is")
    func secretsAreDropped() {
        let inherited = ChildEnvironment.inherited(from: [
            "PATH": "/usr/bin", "HOME": "/root", "DATABASE_URL": "postgres://slipway:secret@db/slipway",
            "SLIPWAY_REGISTRY_USERNAME": "ci", "SLIPWAY_REGISTRY_PASSWORD": "hunter2", "SLIPWAY_REGISTRY_AUTH_FILE": "/auth.json",
            "SLIPWAY_GITHUB_WEBHOOK_SECRET": "s", "SLIPWAY_GITLAB_WEBHOOK_TOKEN": "t", "SLIPWAY_TOKEN": "slw_x",
        ])
        #expect(inherited == ["PATH": "/usr/bin", "HOME": "/root"])
    }
}
