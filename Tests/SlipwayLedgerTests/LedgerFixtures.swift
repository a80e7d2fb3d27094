import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport

/// Opens a migrated ledger on a fresh database for one test.
func withTestLedger<Result: Sendable>(
    clock: ManualClock? = nil,
    signing: LedgerSigning? = nil,
    _ body: (Ledger, DatabaseConfiguration) async throws -> Result
) async throws -> Result {
    let now: @Sendable () -> Date
    if let clock {
        now = { clock.now }
    } else {
        now = { Date() }
    }
    return try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) async throws -> Result in
        try await Ledger.withLedger(configuration, logger: TestDatabase.logger, signing: signing, now: now) { ledger in
            try await body(ledger, configuration)
        }
    }
}

/// A 40-character SHA that starts with `seed` in hex, so prefixes tell seeds apart.
func sha(_ seed: Int) -> String {
    let hex = String(seed, radix: 16)
    return hex + String(repeating: "0", count: 40 - hex.count)
}

func newRun(_ pipeline: String = "model-serve", commit: Int = 1, by actor: String = "ada") -> NewRun {
    NewRun(pipeline: pipeline, commitSHA: sha(commit), branch: "main", trigger: .manual, triggeredBy: actor, commitAuthor: "Ada <ada@example.com>")
}
