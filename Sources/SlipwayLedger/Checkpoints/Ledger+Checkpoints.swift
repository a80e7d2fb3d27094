import Foundation
import PostgresNIO

extension LedgerTransaction {
    /// Signs and stores a checkpoint of the events this transaction appended.
    func recordCheckpoint(_ span: AppendedEvents.Span, signedWith key: LedgerSigningKey) async throws -> ChainCheckpoint {
        var checkpoint = try ChainCheckpoint.sign(
            firstSeq: span.firstSeq, lastSeq: span.lastSeq, headHash: span.headHash, at: now(), with: key
        )
        let rows = try await query("""
            INSERT INTO checkpoints (first_seq, last_seq, head_hash, signed_at_us, key_id, signature)
            VALUES (\(checkpoint.firstSeq), \(checkpoint.lastSeq), \(checkpoint.headHash), \(checkpoint.signedAtMicros),
                    \(checkpoint.keyID), \(checkpoint.signature))
            RETURNING id
            """)
        for try await id in rows.decode(Int64.self) { checkpoint.id = id }
        return checkpoint
    }

    /// Checkpoints in order, after id `afterID`, each with the hash the event at its `last_seq` has now (nil when gone).
    func checkpoints(afterID: Int64, limit: Int) async throws -> [(ChainCheckpoint, String?)] {
        var result: [(ChainCheckpoint, String?)] = []
        let rows = try await query("""
            SELECT c.id, c.first_seq, c.last_seq, c.head_hash, c.signed_at_us, c.key_id, c.signature, e.hash
            FROM checkpoints c LEFT JOIN events e ON e.seq = c.last_seq
            WHERE c.id > \(afterID) ORDER BY c.id LIMIT \(limit)
            """)
        for try await (id, first, last, head, micros, key, signature, eventHash) in rows.decode(
            (Int64, Int64, Int64, String, Int64, String, String, String?).self
        ) {
            result.append((ChainCheckpoint(
                id: id, firstSeq: first, lastSeq: last, headHash: head, signedAtMicros: micros, keyID: key, signature: signature
            ), eventHash))
        }
        return result
    }

    /// Whether event `seq` is covered by a checkpoint `key` signed (the checkpoint's head must still be in the chain).
    func isCoveredBySignedCheckpoint(seq: Int64, key: LedgerPublicKey) async throws -> Bool {
        let rows = try await query("""
            SELECT c.id, c.first_seq, c.last_seq, c.head_hash, c.signed_at_us, c.key_id, c.signature
            FROM checkpoints c JOIN events e ON e.seq = c.last_seq AND e.hash = c.head_hash
            WHERE c.first_seq <= \(seq) AND c.last_seq >= \(seq) ORDER BY c.id LIMIT 4
            """)
        for try await (id, first, last, head, micros, keyID, signature) in rows.decode(
            (Int64, Int64, Int64, String, Int64, String, String).self
        ) {
            let checkpoint = ChainCheckpoint(
                id: id, firstSeq: first, lastSeq: last, headHash: head, signedAtMicros: micros, keyID: keyID, signature: signature
            )
            if checkpoint.isSigned(by: key) { return true }
        }
        return false
    }
}

extension Ledger {
    /// The latest checkpoint in the database, if any.
    public func latestCheckpoint() async throws -> ChainCheckpoint? {
        try await read("reading the latest checkpoint") { tx in
            let rows = try await tx.query("""
                SELECT id, first_seq, last_seq, head_hash, signed_at_us, key_id, signature FROM checkpoints
                ORDER BY last_seq DESC, id DESC LIMIT 1
                """)
            for try await (id, first, last, head, micros, key, signature) in rows.decode(
                (Int64, Int64, Int64, String, Int64, String, String).self
            ) {
                return ChainCheckpoint(id: id, firstSeq: first, lastSeq: last, headHash: head, signedAtMicros: micros, keyID: key, signature: signature)
            }
            return nil
        }
    }

    /// Checks every signed checkpoint against the chain `chain` (from ``verifyChain(batchSize:progress:)``):
    ///
    /// - each checkpoint's signature, with `publicKey`;
    /// - that the event at its `last_seq` still has its `head_hash` (a re-hashed chain fails here,
    ///   and a chain cut short fails when the event is gone);
    /// - that every event after the first checkpoint is covered by one (an event appended by SQL,
    ///   without the key, is not);
    /// - that the checkpoint kept in `checkpointFile`, outside the database, is signed, still
    ///   matches the chain, and is still in the database (deleting the tail *and* its checkpoints
    ///   is caught here).
    public func verifyCheckpoints(
        publicKey: LedgerPublicKey, checkpointFile: String?, chain: ChainVerification, batchSize: Int = 1000
    ) async throws -> CheckpointVerification {
        var report = CheckpointVerification(
            keyID: publicKey.id, checkpoints: 0, latest: nil, eventsBeforeCheckpoints: 0, unsignedEvents: 0, problems: [], notes: []
        )
        // The chain's last seq: events are 1…checked when it is intact.
        let headSeq: Int64? = chain.isIntact ? chain.checked : nil
        var firstCovered: Int64?
        var coveredThrough: Int64 = 0
        var uncovered: [ClosedRange<Int64>] = []
        var afterID: Int64 = 0
        var stored: [Int64: ChainCheckpoint] = [:]
        func problem(_ text: String) { if report.problems.count < 20 { report.problems.append(text) } }

        while true {
            let batch = try await read("reading checkpoints to verify") { tx in try await tx.checkpoints(afterID: afterID, limit: batchSize) }
            for (checkpoint, eventHash) in batch {
                report.checkpoints += 1
                let signed = checkpoint.isSigned(by: publicKey)
                if checkpoint.keyID != publicKey.id {
                    problem("\(checkpoint.label) is signed by key \(checkpoint.keyID), not by the key given (\(publicKey.id))")
                } else if !signed {
                    problem("\(checkpoint.label) has a signature that does not verify: it was forged or altered")
                } else if let eventHash {
                    if eventHash != checkpoint.headHash {
                        problem("\(checkpoint.label) says event \(checkpoint.lastSeq) had hash \(checkpoint.headHash), but it now has \(eventHash): the chain was rewritten (re-hashed) at or before event \(checkpoint.lastSeq)")
                    } else if report.latest.map({ $0.lastSeq < checkpoint.lastSeq }) ?? true {
                        report.latest = checkpoint
                    }
                } else if let headSeq, checkpoint.lastSeq > headSeq {
                    problem("\(checkpoint.label) says the chain reached event \(checkpoint.lastSeq), but the ledger ends at event \(headSeq): events were removed from the end")
                } else {
                    problem("\(checkpoint.label) covers event \(checkpoint.lastSeq), which is not in the ledger: events were removed")
                }
                if signed {
                    stored[checkpoint.lastSeq] = checkpoint
                    if firstCovered == nil {
                        firstCovered = checkpoint.firstSeq
                        coveredThrough = checkpoint.firstSeq - 1
                    }
                    if checkpoint.firstSeq > coveredThrough + 1 { uncovered.append((coveredThrough + 1)...(checkpoint.firstSeq - 1)) }
                    coveredThrough = max(coveredThrough, checkpoint.lastSeq)
                }
            }
            guard batch.count == batchSize, let last = batch.last?.0.id else { break }
            afterID = last
        }

        if let headSeq {
            if let firstCovered {
                report.eventsBeforeCheckpoints = max(0, min(firstCovered - 1, headSeq))
                if headSeq > coveredThrough { uncovered.append((coveredThrough + 1)...headSeq) }
            } else {
                report.eventsBeforeCheckpoints = headSeq
            }
            uncovered = uncovered.filter { $0.lowerBound <= headSeq }.map { $0.lowerBound...min($0.upperBound, headSeq) }
            report.unsignedEvents = uncovered.reduce(0) { $0 + Int64($1.count) }
            if !uncovered.isEmpty {
                let shown = uncovered.prefix(5).map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }
                problem("\(report.unsignedEvents) event\(report.unsignedEvents == 1 ? " is" : "s are") not covered by any signed checkpoint (\(shown.joined(separator: ", "))\(uncovered.count > 5 ? ", …" : "")): written without the signing key, e.g. by SQL")
            }
            if report.eventsBeforeCheckpoints > 0 {
                report.notes.append("events 1–\(report.eventsBeforeCheckpoints) predate the first signed checkpoint: only the hash chain covers them")
            }
        }

        if let checkpointFile {
            do {
                if let kept = try CheckpointFile(path: checkpointFile).read(ledger: configuration.ledgerName) {
                    try await check(kept, keptIn: checkpointFile, against: publicKey, headSeq: headSeq, stored: stored, report: &report)
                } else if report.checkpoints > 0 {
                    report.notes.append("\(checkpointFile) keeps no checkpoint of \(configuration.ledgerName): only the database's checkpoints were checked (a removed tail together with its checkpoints would go unnoticed)")
                }
            } catch let error as LedgerError {
                problem(error.message)
            }
        }
        return report
    }

    private func check(
        _ kept: ChainCheckpoint, keptIn path: String, against publicKey: LedgerPublicKey, headSeq: Int64?,
        stored: [Int64: ChainCheckpoint], report: inout CheckpointVerification
    ) async throws {
        let label = "the \(kept.label.replacingOccurrences(of: "checkpoint ", with: "checkpoint #", options: .anchored)) kept in \(path) for \(configuration.ledgerName)"
        guard kept.isSigned(by: publicKey) else {
            report.problems.append("\(label) is not signed by the key given (\(publicKey.id)): it was forged, or belongs to another key")
            return
        }
        let eventHash: String? = try await read("reading the checkpointed event") { tx in
            var found: String?
            for try await hash in try await tx.query("SELECT hash FROM events WHERE seq = \(kept.lastSeq)").decode(String.self) { found = hash }
            return found
        }
        guard let eventHash else {
            let end = headSeq.map { "the ledger ends at event \($0)" } ?? "the ledger does not hold it"
            report.problems.append("\(label) says the chain reached event \(kept.lastSeq), but \(end): events were removed from the end")
            return
        }
        guard eventHash == kept.headHash else {
            report.problems.append("\(label) says event \(kept.lastSeq) had hash \(kept.headHash), but it now has \(eventHash): the chain was rewritten (re-hashed)")
            return
        }
        if stored[kept.lastSeq]?.signature != kept.signature {
            report.problems.append("\(label) is no longer in the database's checkpoints: checkpoints were removed")
            return
        }
        if report.latest.map({ $0.lastSeq < kept.lastSeq }) ?? true { report.latest = kept }
    }
}
