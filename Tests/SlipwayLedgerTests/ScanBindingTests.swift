import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A scan satisfies a scan rule only as the chain records it, and only with counts that can be read.
@Suite("Scans bound to their events")
struct ScanBindingTests {
    static func trivy(runID: Int64, status: ScanRecord.Status, counts: JSONValue, summary: String) -> NewScan {
        NewScan(runID: runID, name: "trivy", kind: .vulnerabilities, tool: "trivy", status: status, counts: counts, summary: summary)
    }

    static let oneCritical: JSONValue = .object([
        "critical": .number(1), "high": .number(0), "medium": .number(0), "low": .number(0), "negligible": .number(0),
    ])

    /// A passed trivy scan of run `runID`, inserted as a DBA would, after the real one.
    static func insertPassedBySQL(runID: Int64, on configuration: DatabaseConfiguration) async throws {
        try await TestDatabase.execute("""
            INSERT INTO scans (run_id, name, kind, tool, status, counts, summary)
            VALUES (\(runID), 'trivy', 'vulnerabilities', 'trivy', 'passed', '{}', 'no vulnerabilities found')
            """, on: configuration)
    }

    @Test("a passed scan row inserted by SQL is not what the release is judged on, even with a well-chained unsigned event")
    func insertedScanIgnored() async throws {
        let (signing, _) = try Forgery.signing()
        try await withTestLedger(signing: signing) { ledger, configuration in
            let run = try await ledger.transaction { tx in try await tx.createRun(newRun()).run }
            let failed = try await ledger.transaction { tx in
                try await tx.recordScan(Self.trivy(runID: run.id, status: .failed, counts: Self.oneCritical, summary: "1 critical"), actor: "ci").scan
            }
            try await Self.insertPassedBySQL(runID: run.id, on: configuration)
            let forged = try #require(try await ledger.transaction { tx in try await tx.latestScan(runID: run.id, name: "trivy") })
            #expect(forged.status == .passed && forged.id != failed.id)

            #expect(try await ledger.transaction { tx in try await tx.latestBoundScans(runID: run.id) } == [failed])
            #expect(try await ledger.transaction { tx in try await tx.releaseBill(runID: run.id) }?.scans == [failed])
            #expect(try await ledger.unboundFacts().map(\.id) == [forged.id])

            // The event the row lacks, naming it, chained correctly but signed by no checkpoint.
            try await Forgery.appendEvent(
                ledger, on: configuration, actor: "ci", kind: "scan.recorded", subject: "run/\(run.id)",
                payload: .object([
                    "name": .string("trivy"), "kind": .string("vulnerabilities"), "tool": .string("trivy"), "status": .string("passed"),
                    "counts": .object([:]), "summary": .string("no vulnerabilities found"), "scan": .number(Double(forged.id)),
                ])
            )
            #expect(try await ledger.unboundFacts().isEmpty, "bound by the chain; only the checkpoints show the event is foreign")
            #expect(try await ledger.transaction { tx in try await tx.latestBoundScans(runID: run.id) } == [failed])
        }
    }

    @Test("a copy of a scan's row does not borrow its event: the event names the row it records")
    func copiedRowUnbound() async throws {
        try await withTestLedger { ledger, configuration in
            let run = try await ledger.transaction { tx in try await tx.createRun(newRun()).run }
            let passed = try await ledger.transaction { tx in
                try await tx.recordScan(Self.trivy(runID: run.id, status: .passed, counts: .object([:]), summary: "clean"), actor: "ci").scan
            }
            let failed = try await ledger.transaction { tx in
                try await tx.recordScan(Self.trivy(runID: run.id, status: .failed, counts: Self.oneCritical, summary: "1 critical"), actor: "ci").scan
            }
            try await TestDatabase.execute("""
                INSERT INTO scans (run_id, name, kind, tool, status, counts, summary, report_digest)
                SELECT run_id, name, kind, tool, status, counts, summary, report_digest FROM scans WHERE id = \(passed.id)
                """, on: configuration)
            #expect(try await ledger.transaction { tx in try await tx.latestBoundScans(runID: run.id) } == [failed])
            #expect(try await ledger.unboundFacts().map(\.table) == ["scans"])
        }
    }

    @Test("a completed scan whose counts are not findings by severity cannot be judged, and says which scan and why")
    func unreadableCounts() async throws {
        try await withTestLedger { ledger, _ in
            let run = try await ledger.transaction { tx in try await tx.createRun(newRun()).run }
            let scans = try await ledger.transaction { tx in
                [
                    try await tx.recordScan(Self.trivy(runID: run.id, status: .passed, counts: .object([:]), summary: "clean"), actor: "ci").scan,
                    try await tx.recordScan(NewScan(
                        runID: run.id, name: "grype", kind: .vulnerabilities, tool: "grype", status: .failed,
                        counts: .object(["critical": .string("many")]), summary: "many"
                    ), actor: "ci").scan,
                    try await tx.recordScan(NewScan(
                        runID: run.id, name: "sarif", kind: .vulnerabilities, tool: "sarif", status: .notScanned, summary: "not installed"
                    ), actor: "ci").scan,
                ]
            }
            #expect(throws: LedgerError.self) { try scans[0].outcome() }
            do {
                _ = try scans[0].outcome()
            } catch let error as LedgerError {
                #expect(error.message.hasPrefix("scan trivy of run \(run.id) (scans row \(scans[0].id), passed) has counts {} that are not findings by severity"))
                #expect(error.message.contains("critical is missing"))
            }
            do {
                _ = try scans[1].outcome()
                Issue.record("grype's counts were read")
            } catch let error as LedgerError {
                #expect(error.message.contains("scan grype of run \(run.id)") && error.message.contains("critical is not a count"))
            }
            #expect(try scans[2].outcome() == ScanOutcomeSummary(name: "sarif", status: .notScanned, counts: SeverityCounts()))
            var one = SeverityCounts()
            one.critical = 1
            let judged = try await ledger.transaction { tx in
                try await tx.recordScan(Self.trivy(runID: run.id, status: .failed, counts: Self.oneCritical, summary: "1 critical"), actor: "ci").scan
            }
            #expect(try judged.outcome() == ScanOutcomeSummary(name: "trivy", status: .failed, counts: one))
        }
    }
}
