import ArgumentParser
import Foundation
import SlipwayLedger

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Prove the ledger was not altered.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the event log's hash chain and name the first event that does not match.",
            discussion: """
                Exits 0 when every event's hash matches its contents and its predecessor, 1 otherwise. \
                Record the printed head hash somewhere outside the database: passing it back with --expect-head \
                also proves no events were removed from the end.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "A head hash recorded earlier; verification fails unless the chain still contains it.")
        var expectHead: String?

        @Option(name: .long, help: "table (human-readable) or json.")
        var output: ReportFormat = .table

        func validate() throws {
            if let expectHead, expectHead.count != 64 || !expectHead.allSatisfy(\.isHexDigit) {
                throw ValidationError("--expect-head must be a 64-character hex SHA-256, as `audit verify` prints it")
            }
        }

        struct Report: Encodable {
            var intact: Bool
            var events: Int64
            var headHash: String
            var firstBreak: ChainVerification.Break?
            var expectedHeadFound: Bool?
        }

        func run() async throws {
            try await runReportingFailures {
                let (verification, headFound) = try await DatabaseSource.withLedger(global) { ledger in
                    let verification = try await ledger.verifyChain()
                    var found: Bool?
                    if let expectHead, verification.isIntact {
                        found = try await ledger.containsEvent(hash: expectHead.lowercased())
                    }
                    return (verification, found)
                }
                let ok = verification.isIntact && headFound != false
                if output == .json {
                    try printJSON(Report(
                        intact: ok, events: verification.checked, headHash: verification.headHash,
                        firstBreak: verification.firstBreak, expectedHeadFound: headFound
                    ))
                } else if let failure = verification.firstBreak {
                    print("chain broken at event \(failure.seq): \(failure.reason)")
                    print("events before it (1–\(failure.seq - 1)) verify; nothing from event \(failure.seq) on can be trusted")
                } else if headFound == false {
                    print("chain of \(verification.checked) events verifies, but the expected head \(expectHead ?? "") is not in it: events were removed or the ledger was replaced")
                } else {
                    print("ok: \(verification.checked) event\(verification.checked == 1 ? "" : "s") verified, chain intact")
                    print("head: \(verification.headHash)")
                }
                if !ok { throw ExitCode.failure }
            }
        }
    }
}
