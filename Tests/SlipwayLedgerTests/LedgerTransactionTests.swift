import Foundation
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Ledger transactions")
struct LedgerTransactionTests {
    struct Refusal: Error, Equatable {
        var message: String
    }

    @Test("a body's own error comes out as it was thrown, and what the body wrote is rolled back; the ledger's own errors stay LedgerErrors")
    func errorsComeOutAsThrown() async throws {
        try await withTestLedger { ledger, _ in
            do {
                try await ledger.transaction { tx in
                    _ = try await tx.createRun(newRun(commit: 5))
                    throw Refusal(message: "the caller may not do this")
                }
                Issue.record("the transaction did not throw")
            } catch let refusal as Refusal {
                #expect(refusal == Refusal(message: "the caller may not do this"))
            }
            let runs = try await ledger.transaction { tx in try await tx.run(id: 1) }
            #expect(runs == nil, "the run written before the error was rolled back")

            do {
                try await ledger.transaction { tx in _ = try await tx.revokeToken(id: 999, actor: "admin") }
                Issue.record("revoking a token that does not exist did not throw")
            } catch let error as LedgerError {
                #expect(error.code == .notFound, "\(error)")
            }
        }
    }
}
