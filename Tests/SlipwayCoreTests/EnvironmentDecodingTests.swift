import Testing
@testable import SlipwayCore

/// Environments: targets, Ollama endpoints, approval policies, freeze windows and drift settings.
@Suite struct EnvironmentDecodingTests {
    /// An environment whose `spec:` continues with `rest` from line 7 (two-space indented, as written).
    static func environment(_ rest: String) -> String {
        """
        apiVersion: slipway/v1
        kind: Environment
        metadata: { name: prod }
        spec:
          order: 3
          target: { local: { port: 18082 } }
        \(rest)
        """
    }

    static let mistakes: [SpecMistake] = [
        .environment("required is more than the users who may approve", environment("""
              approvals:
                required: 3
                approvers: ["user:alice", "user:bob", "user:alice"]
            """),
            .at(environmentPath, 8, 15, "'required' is 3 but only 2 user(s) may approve; add approvers or lower 'required'")),
        .environment("required of zero", environment("""
              approvals: { required: 0, approvers: ["group:release-managers"] }
            """),
            .at(environmentPath, 7, 26, "'required' in approvals must be between 1 and 100, found 0")),
        .environment("no approvers", environment("""
              approvals: { required: 1, approvers: [] }
            """),
            .at(environmentPath, 7, 40, "'approvers' must list at least one user:NAME or group:NAME")),
        .environment("an approver without user: or group:", environment("""
              approvals:
                required: 1
                approvers:
                  - group:release-managers
                  - alice
                  - team:ml
            """),
            .at(environmentPath, 11, 9, "expected \(Approver.expectation) in 'approvers', found \"alice\""),
            .at(environmentPath, 12, 9, "expected \(Approver.expectation) in 'approvers', found \"team:ml\"")),
        .environment("approvals that never stop being valid", environment("""
              approvals: { required: 1, approvers: ["user:alice"], expiresAfter: 0s }
            """),
            .at(environmentPath, 7, 70, "'expiresAfter' must be longer than 0s")),
        .environment("freeze window in an unknown time zone", environment("""
              freeze:
                - from: "Fri 17:00"
                  to: "Mon 08:00"
                  timeZone: Europe/Berlni
            """),
            .at(environmentPath, 10, 17, "unknown time zone \"Europe/Berlni\"; expected an IANA name such as Europe/Berlin or UTC")),
        .environment("freeze window from a weekday to a date", environment("""
              freeze:
                - from: "Fri 17:00"
                  to: "2026-12-28 08:00"
                  timeZone: Europe/Berlin
            """),
            .at(environmentPath, 9, 11, "'from' and 'to' must both be weekly (\"Fri 17:00\") or both dates (\"2026-12-24 18:00\")")),
        .environment("freeze window from a date to a weekday", environment("""
              freeze: [ { from: "2026-12-23 18:00", to: "Mon 08:00" } ]
            """),
            .at(environmentPath, 7, 45, "'from' and 'to' must both be weekly (\"Fri 17:00\") or both dates (\"2026-12-24 18:00\")")),
        .environment("freeze window with times that do not parse", environment("""
              freeze:
                - { from: "Friday 5pm", to: "Mon 24:00" }
                - { from: "2026-13-01 10:00", to: "2027-01-01 10:00" }
            """),
            .at(environmentPath, 8, 15, "expected \(FreezeWindow.Moment.expectation) for 'from', found \"Friday 5pm\""),
            .at(environmentPath, 8, 33, "expected \(FreezeWindow.Moment.expectation) for 'to', found \"Mon 24:00\""),
            .at(environmentPath, 9, 15, "expected \(FreezeWindow.Moment.expectation) for 'from', found \"2026-13-01 10:00\"")),
        .environment("freeze window that ends when it starts", environment("""
              freeze: [ { from: "Sat 00:00", to: "saturday 00:00" } ]
            """),
            .at(environmentPath, 7, 38, "'from' and 'to' are the same moment; the window would be empty")),
        .environment("one-off freeze window that ends before it starts", environment("""
              freeze: [ { from: "2027-01-04 08:00", to: "2026-12-23 18:00" } ]
            """),
            .at(environmentPath, 7, 45, "'to' (2026-12-23 18:00) must be after 'from' (2027-01-04 08:00)")),
        .environment("freeze window without an end", environment("""
              freeze: [ { from: "Fri 17:00" } ]
            """),
            .at(environmentPath, 7, 13, "missing required key 'to' in a freeze window")),
        .environment("freeze given as one mapping instead of a list", environment("""
              freeze: { from: "Fri 17:00", to: "Mon 08:00" }
            """),
            .at(environmentPath, 7, 11, "expected a list for 'freeze' in the spec of an Environment, found a mapping")),
        .environment("an endpoint that is not an http URL", environment("""
              ollama:
                endpoints:
                  - http://127.0.0.1:11434
                  - localhost:11434
                  - ftp://models.internal
            """),
            .at(environmentPath, 10, 9, "expected an http:// or https:// URL in 'endpoints', found \"localhost:11434\""),
            .at(environmentPath, 11, 9, "expected an http:// or https:// URL in 'endpoints', found \"ftp://models.internal\"")),
        .environment("drift checked too often", environment("""
              drift: { interval: 5s }
            """),
            .at(environmentPath, 7, 22, "drift 'interval' must be at least 10s")),
        .environment("both a local and a kubernetes target", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target:
                local: { port: 18082 }
                kubernetes: { namespace: prod }
            """,
            .at(environmentPath, 7, 5, "a target needs exactly one of 'local' or 'kubernetes'")),
        .environment("a privileged local port", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target: { local: { port: 80 } }
            """,
            .at(environmentPath, 6, 28, "'port' in local target must be between 1024 and 65535, found 80")),
        .environment("a kubernetes target with a bad namespace and an unknown router", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target:
                kubernetes: { namespace: Model_Serve, traffic: nginx }
            """,
            .at(environmentPath, 7, 30, "'namespace' must be \(SpecMetadata.nameExpectation), found \"Model_Serve\""),
            .at(environmentPath, 7, 52, "unknown traffic router \"nginx\"; expected one of: gatewayAPI, istio, service")),
        .environment("order outside 1 to 1000", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 0
              target: { local: { port: 18082 } }
            """,
            .at(environmentPath, 5, 10, "'order' in the spec of an Environment must be between 1 and 1000, found 0")),
    ]

    @Test(arguments: mistakes)
    func environmentMistake(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test func freezeWindowsDecodeWithTheirTimeZoneOrUTC() throws {
        let set = try loadSpecs([.yaml(environmentPath, Self.environment("""
              freeze:
                - { from: "Fri 17:00", to: "Mon 08:00", timeZone: Europe/Berlin, reason: weekend }
                - { from: "2026-12-23 18:00", to: "2027-01-04 08:00" }
                - { from: "sunday 23:30", to: "MON 0:30" }
            """))])
        let freeze = try #require(set.environment(named: "prod")?.freeze)
        #expect(freeze == [
            FreezeWindow(
                from: .weekly(weekday: 5, hour: 17, minute: 0), to: .weekly(weekday: 1, hour: 8, minute: 0),
                timeZone: "Europe/Berlin", reason: "weekend"
            ),
            FreezeWindow(
                from: .once(year: 2026, month: 12, day: 23, hour: 18, minute: 0),
                to: .once(year: 2027, month: 1, day: 4, hour: 8, minute: 0), timeZone: "UTC"
            ),
            FreezeWindow(from: .weekly(weekday: 7, hour: 23, minute: 30), to: .weekly(weekday: 1, hour: 0, minute: 30), timeZone: "UTC"),
        ])
    }

    @Test func approvalPoliciesDecodeAsWritten() throws {
        let set = try loadSpecs([.yaml(environmentPath, Self.environment("""
              approvals:
                required: 2
                approvers: ["user:alice", "user:bob", "group:sre"]
                forbidSelfApproval: false
            """))])
        let approvals = try #require(set.environment(named: "prod")?.approvals)
        #expect(approvals == ApprovalPolicy(
            required: 2, approvers: [.user("alice"), .user("bob"), .group("sre")], forbidSelfApproval: false, expiresAfter: nil
        ))
        #expect(approvals.approvers.map(\.description) == ["user:alice", "user:bob", "group:sre"])
        #expect(approvals.approvers[0].admits(user: "alice", groups: []))
        #expect(!approvals.approvers[0].admits(user: "bob", groups: ["alice"]))
        #expect(approvals.approvers[2].admits(user: "carol", groups: ["sre"]))
        #expect(!approvals.approvers[2].admits(user: "sre", groups: []))
    }

    @Test(arguments: [
        ("user:alice", Approver.user("alice")), ("group:release-managers", .group("release-managers")),
        ("user:a:b", .user("a:b")),
    ])
    func approversParse(text: String, approver: Approver) {
        #expect(Approver(text) == approver)
    }

    @Test(arguments: ["alice", "user:", "team:ml", "user:al ice", ":alice", ""])
    func approversRejected(text: String) {
        #expect(Approver(text) == nil)
    }

    @Test(arguments: [
        ("Fri 17:00", FreezeWindow.Moment.weekly(weekday: 5, hour: 17, minute: 0)),
        ("monday 08:05", .weekly(weekday: 1, hour: 8, minute: 5)),
        ("SUN 23:59", .weekly(weekday: 7, hour: 23, minute: 59)),
        ("2026-12-24 18:00", .once(year: 2026, month: 12, day: 24, hour: 18, minute: 0)),
    ])
    func freezeMomentsParseAndPrint(text: String, moment: FreezeWindow.Moment) {
        #expect(FreezeWindow.Moment(text) == moment)
        #expect(FreezeWindow.Moment(moment.description) == moment)
    }

    @Test(arguments: ["Fri", "Fri 17", "Fri 5pm", "Fri 17:0", "Fri 24:00", "Fri 12:60", "Fry 17:00",
                      "2026-12-24", "2026-12-24T18:00", "26-12-24 18:00", "2026-00-10 10:00", "2026-12-32 10:00", ""])
    func freezeMomentsRejected(text: String) {
        #expect(FreezeWindow.Moment(text) == nil)
    }
}
