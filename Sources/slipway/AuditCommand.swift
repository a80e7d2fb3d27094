import ArgumentParser
import Foundation
import SlipwayLedger

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Prove the ledger was not altered.",
        subcommands: [Verify.self, PublicKey.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the event log's hash chain and check its signed checkpoints.",
            discussion: """
                Exits 0 when every event's hash matches its contents and its predecessor and every signed \
                checkpoint still matches the chain, 1 otherwise. The checkpoints are checked with --public-key, \
                else the signing key's file (--signing-key): a chain cut short at the end, re-hashed, or with \
                events appended without the key (by SQL) fails. --expect-head, a head hash recorded elsewhere, \
                also proves the chain still contains it.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "A head hash recorded earlier; verification fails unless the chain still contains it.")
        var expectHead: String?

        @Option(name: .long, help: ArgumentHelp("The public key that checks the checkpoints (`slipway audit public-key` prints it). Default: the signing key's file.", valueName: "file"))
        var publicKey: String?

        @Option(name: .long, help: ArgumentHelp("The latest checkpoint, kept outside the database. Default: <state-dir>/ledger-checkpoint.json.", valueName: "file"))
        var checkpointFile: String?

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
            var checkpoints: CheckpointVerification
            var unboundFacts: [UnboundFact]
        }

        /// The key that checks the checkpoints: --public-key, else the signing key's file, which must exist.
        func verifyingKey() throws -> LedgerPublicKey {
            if let publicKey { return try LedgerPublicKey.load(from: absolute(publicKey)) }
            let path = global.resolvedSigningKeyPath
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandError(
                    "there is no ledger signing key at \(path) to check the checkpoints with: pass the public key with "
                        + "--public-key FILE (`slipway audit public-key` prints it where the key is), or the key's file with --signing-key"
                )
            }
            return try LedgerSigningKey.load(from: path).publicKey
        }

        func run() async throws {
            try await runReportingFailures {
                let checkpointPath = checkpointFile.map(absolute) ?? global.resolvedCheckpointPath
                let (verification, headFound, checkpoints, unbound) = try await DatabaseSource.withLedger(global, signing: false) { ledger in
                    // After connecting, so that a bad database URL is named first.
                    let key = try verifyingKey()
                    let verification = try await ledger.verifyChain()
                    var found: Bool?
                    if let expectHead, verification.isIntact {
                        found = try await ledger.containsEvent(hash: expectHead.lowercased())
                    }
                    let checkpoints = try await ledger.verifyCheckpoints(publicKey: key, checkpointFile: checkpointPath, chain: verification)
                    return (verification, found, checkpoints, try await ledger.unboundFacts())
                }
                let ok = verification.isIntact && headFound != false && checkpoints.ok && unbound.isEmpty
                if output == .json {
                    try printJSON(Report(
                        intact: ok, events: verification.checked, headHash: verification.headHash,
                        firstBreak: verification.firstBreak, expectedHeadFound: headFound, checkpoints: checkpoints,
                        unboundFacts: unbound
                    ))
                } else {
                    if let failure = verification.firstBreak {
                        print("chain broken at event \(failure.seq): \(failure.reason)")
                        print("events before it (1–\(failure.seq - 1)) verify; nothing from event \(failure.seq) on can be trusted")
                    } else if headFound == false {
                        print("chain of \(verification.checked) events verifies, but the expected head \(expectHead ?? "") is not in it: events were removed or the ledger was replaced")
                    }
                    for problem in checkpoints.problems { print("checkpoint check failed: \(problem)") }
                    for fact in unbound { print("not in the chain: \(fact.description)") }
                    if ok {
                        print("ok: \(verification.checked) event\(verification.checked == 1 ? "" : "s") verified, chain intact")
                        print("head: \(verification.headHash)")
                    }
                    if let latest = checkpoints.latest {
                        print("latest signed checkpoint: \(latest.label)")
                    } else if checkpoints.problems.isEmpty {
                        print("no signed checkpoint yet (key \(checkpoints.keyID))")
                    }
                    for note in checkpoints.notes { print("note: \(note)") }
                }
                if !ok { throw ExitCode.failure }
            }
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key",
            abstract: "Print the public key that checks the ledger's signed checkpoints, for `audit verify --public-key` elsewhere."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingFailures {
                let path = global.resolvedSigningKeyPath
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CommandError("there is no ledger signing key at \(path); it is made the first time slipway records anything")
                }
                print(try LedgerSigningKey.load(from: path).publicKey.fileText, terminator: "")
            }
        }
    }
}
