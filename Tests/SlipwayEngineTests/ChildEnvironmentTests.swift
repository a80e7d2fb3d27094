import SlipwayEngine
import Testing

@Suite("the environment image builders inherit")
struct ChildEnvironmentTests {
    @Test("Slipway's variables and the ledger's URL are not passed on; everything else is")
    func secretsAreDropped() {
        let inherited = ChildEnvironment.inherited(from: [
            "PATH": "/usr/bin", "HOME": "/root", "DATABASE_URL": "postgres://slipway:secret@db/slipway",
            "SLIPWAY_REGISTRY_USERNAME": "ci", "SLIPWAY_REGISTRY_PASSWORD": "hunter2", "SLIPWAY_REGISTRY_AUTH_FILE": "/auth.json",
            "SLIPWAY_GITHUB_WEBHOOK_SECRET": "s", "SLIPWAY_GITLAB_WEBHOOK_TOKEN": "t", "SLIPWAY_TOKEN": "slw_x",
            "SLIPWAY_NOTIFY_URLS": "https://hooks.example/secret", "SLIPWAY_STATE_DIR": "/var/lib/slipway",
        ])
        #expect(inherited == ["PATH": "/usr/bin", "HOME": "/root"])
    }
}
