import Foundation
import SlipwayCore
@testable import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Scan records")
struct ScanRecordTests {
    static let reportDigest = "sha256:" + String(repeating: "ab", count: 32)

    static func failedTrivy(runID: Int64, summary: String = "1 critical; 1 fails the policy (failOn: high): CVE-2024-0001") -> NewScan {
        NewScan(
            runID: runID, name: "trivy", kind: .vulnerabilities, tool: "trivy", status: .failed,
            counts: .object(["critical": .number(1), "high": .number(0)]), summary: summary,
            reportDigest: reportDigest, reportLocation: "/state/work/1/report.json",
            evaluation: .object(["passed": .bool(false), "failing": .array([.object(["id": .string("CVE-2024-0001")])])])
        )
    }

    @Test("a scan is recorded with its counts, summary, report digest and evaluation, and an event in the chain")
    func recordAndRead() async throws {
        try await withTestLedger { ledger, _ in
            let run = try await ledger.transaction { tx in try await tx.createRun(newRun()).run }
            let (recorded, created) = try await ledger.transaction { tx in
                try await tx.recordScan(Self.failedTrivy(runID: run.id), actor: "slipway")
            }
            #expect(created)
            let sbom = try await ledger.transaction { tx in
                try await tx.recordScan(NewScan(
                    runID: run.id, name: "sbom", kind: .sbom, tool: "syft", status: .passed,
                    counts: .object(["packages": .number(2)]), summary: "2 packages"
                ), actor: "slipway").scan
            }
            let all = try await ledger.transaction { tx in try await tx.scans(runID: run.id) }
            #expect(all == [recorded, sbom])
            #expect(recorded.status == .failed && recorded.kind == .vulnerabilities && recorded.tool == "trivy")
            #expect(recorded.counts == .object(["critical": .number(1), "high": .number(0)]))
            #expect(recorded.reportDigest == Self.reportDigest && recorded.reportLocation == "/state/work/1/report.json")
            #expect(recorded.evaluation?.description.contains("CVE-2024-0001") == true)
            #expect(sbom.evaluation == nil && sbom.counts == .object(["packages": .number(2)]))

            let events = try await ledger.events().filter { $0.kind == "scan.recorded" }
            #expect(events.count == 2)
            #expect(events.first?.subject == "run/\(run.id)")
            #expect(events.first?.payload.contains("\"status\":\"failed\"") == true)
            #expect(events.first?.payload.contains(Self.reportDigest) == true)
            #expect(try await ledger.verifyChain().firstBreak == nil)
        }
    }

    @Test("the same result again is not recorded twice; a different one is a new row, and the latest wins")
    func rescan() async throws {
        try await withTestLedger { ledger, _ in
            let run = try await ledger.transaction { tx in try await tx.createRun(newRun()).run }
            let first = try await ledger.transaction { tx in try await tx.recordScan(Self.failedTrivy(runID: run.id), actor: "slipway") }
            let again = try await ledger.transaction { tx in try await tx.recordScan(Self.failedTrivy(runID: run.id), actor: "slipway") }
            #expect(!again.created && again.scan == first.scan)
            var passed = Self.failedTrivy(runID: run.id, summary: "no vulnerabilities found; passes the policy (failOn: high)")
            passed.status = .passed
            let second = try await ledger.transaction { tx in try await tx.recordScan(passed, actor: "slipway") }
            #expect(second.created && second.scan.id != first.scan.id)
            let latest = try await ledger.transaction { tx in try await tx.latestScans(runID: run.id) }
            #expect(latest == [second.scan])
            #expect(try await ledger.events().filter { $0.kind == "scan.recorded" }.count == 2)
        }
    }

    @Test("a malformed report digest or an unknown run is refused, and nothing is written")
    func refused() async throws {
        try await withTestLedger { ledger, _ in
            let run = try await ledger.transaction { tx in try await tx.createRun(newRun()).run }
            var bad = Self.failedTrivy(runID: run.id)
            bad.reportDigest = "sha256:XYZ"
            await #expect(throws: LedgerError.self) {
                try await ledger.transaction { tx in try await tx.recordScan(bad, actor: "slipway") }
            }
            await #expect(throws: LedgerError.self) {
                try await ledger.transaction { tx in try await tx.recordScan(Self.failedTrivy(runID: run.id + 99), actor: "slipway") }
            }
            #expect(try await ledger.transaction { tx in try await tx.scans(runID: run.id) }.isEmpty)
            #expect(try await ledger.events().filter { $0.kind == "scan.recorded" }.isEmpty)
        }
    }

    @Test("a ledger at version 1 is upgraded: a scan row of the old shape keeps its summary as text")
    func upgradeFromVersionOne() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            // The schema as version 1 left it, as a ledger made before version 2 has it.
            let initial = LedgerSchema.initial
            try await TestDatabase.execute(
                """
                CREATE TABLE schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """,
                on: configuration
            )
            for statement in initial.statements {
                try await TestDatabase.execute(statement, on: configuration)
            }
            try await TestDatabase.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (1, '\(initial.name)', '\(initial.checksum)')",
                on: configuration
            )
            try await TestDatabase.execute(
                "INSERT INTO runs (pipeline, commit_sha, branch, trigger, triggered_by) VALUES ('p', '\(sha(1))', 'main', 'manual', 'ada')",
                "INSERT INTO scans (run_id, name, tool, status, summary) VALUES (1, 'old', 'trivy', 'passed', '\"clean\"')",
                on: configuration
            )
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                #expect(try await ledger.schemaVersion() == LedgerSchema.latestVersion)
                let scans = try await ledger.transaction { tx in try await tx.scans(runID: 1) }
                #expect(scans.map(\.summary) == ["clean"])
                #expect(scans.map(\.kind) == [.vulnerabilities])
                #expect(scans.first?.counts == .object([:]))
            }
        }
    }
}
