import Foundation
import Hummingbird
import SlipwayCore
import SlipwayLedger

/// The audit API: what ran and what was promoted, with every filter `slipway history` has, the
/// whole story of one promotion, the hash chain's verification and an export. Every route needs
/// an API token (``CallerMiddleware``, 401) whose groups are readers (``AccessPolicy``, 403).
///
/// - `GET /api/v1/runs`: runs, newest first (`pipeline`, `status`, `commit`; `limit`, `cursor`).
/// - `GET /api/v1/promotions`: promotions, newest first (`environment`, `pipeline`, `status`,
///   `actor`, `commit`, `since`, `until`; `limit`, `cursor`), through ``Ledger/history(_:)``.
/// - `GET /api/v1/promotions/export?format=csv|json`: the same filters, every match, streamed.
/// - `GET /api/v1/promotions/{id}`: a ``PromotionStory``.
/// - `GET /api/v1/audit/verify`: ``Ledger/verifyChain(batchSize:progress:)``, like `slipway audit verify`.
struct AuditRoutes: RouteGroup {
    let ledger: Ledger
    let authenticator: any APICallerAuthenticator
    let access: AccessPolicy

    /// The page size when `limit` is not given, and the largest one a request may ask for.
    static let defaultLimit = 50
    static let maximumLimit = 500

    static let promotionFilters = ["environment", "pipeline", "status", "actor", "commit", "since", "until"]
    static let runFilters = ["pipeline", "status", "commit"]

    func register(on router: Router<ServerContext>) {
        let api = router.group("/api/v1").add(middleware: CallerMiddleware(authenticator: authenticator))
        api.get("/runs") { request, context in
            try reader(context)
            return try await runs(request)
        }
        api.get("/promotions") { request, context in
            try reader(context)
            return try await promotions(request)
        }
        api.get("/promotions/export") { request, context in
            try reader(context)
            return try await export(request)
        }
        api.get("/promotions/{id}") { request, context in
            try reader(context)
            return try await story(request, id: context.parameters.get("id") ?? "")
        }
        api.get("/audit/verify") { request, context in
            try reader(context)
            return try await verify(request)
        }
    }

    /// 403 unless the caller ``CallerMiddleware`` found may read.
    func reader(_ context: ServerContext) throws {
        try access.requireReader(try context.requireCaller())
    }

    // MARK: Lists

    struct PromotionList: Encodable {
        var items: [PromotionRecord]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey { case items, nextCursor }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    struct RunList: Encodable {
        var items: [RunRecord]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey { case items, nextCursor }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    func promotions(_ request: Request) async throws -> Response {
        let parameters = try AuditParameters(request, known: Self.promotionFilters + ["limit", "cursor"])
        let query = try Self.historyQuery(
            parameters, limit: try parameters.limit(fallback: Self.defaultLimit, maximum: Self.maximumLimit),
            cursor: try parameters.cursor(HistoryCursor.init)
        )
        let page = try await Self.asked { try await ledger.history(query) }
        return try AuditJSON.response(PromotionList(items: page.promotions, nextCursor: page.nextCursor?.description))
    }

    func runs(_ request: Request) async throws -> Response {
        let parameters = try AuditParameters(request, known: Self.runFilters + ["limit", "cursor"])
        let query = RunQuery(
            pipeline: try parameters.text("pipeline"), status: try parameters.choice("status", of: RunStatus.self),
            commit: try parameters.commit(), limit: try parameters.limit(fallback: Self.defaultLimit, maximum: Self.maximumLimit),
            cursor: try parameters.cursor(RunCursor.init)
        )
        let page = try await Self.asked { try await ledger.runs(query) }
        return try AuditJSON.response(RunList(items: page.runs, nextCursor: page.nextCursor?.description))
    }

    /// The history query the promotion filters in `parameters` ask for.
    static func historyQuery(_ parameters: AuditParameters, limit: Int, cursor: HistoryCursor?) throws -> HistoryQuery {
        let since = try parameters.time("since"), until = try parameters.time("until")
        if let since, let until, since >= until {
            throw AuditParameters.problem("since must be before until (since includes its time, until does not)")
        }
        return HistoryQuery(
            environment: try parameters.text("environment"), pipeline: try parameters.text("pipeline"),
            status: try parameters.choice("status", of: PromotionStatus.self), actor: try parameters.text("actor"),
            commit: try parameters.commit(), since: since, until: until, limit: limit, cursor: cursor
        )
    }

    /// Runs a ledger read, answering 400 for what the ledger calls an invalid argument.
    static func asked<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LedgerError where error.code == .invalidArgument {
            throw AuditParameters.problem(error.message)
        }
    }

    // MARK: One promotion

    func story(_ request: Request, id text: String) async throws -> Response {
        _ = try AuditParameters(request, known: [])
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let id = Int64(text) else {
            throw AuditParameters.problem("'\(text)' is not a promotion id; ids are whole numbers, as GET /api/v1/promotions lists them")
        }
        guard let story = try await PromotionStory.read(id: id, from: ledger) else {
            throw APIProblem(status: .notFound, code: "not_found", message: "there is no promotion \(id); GET /api/v1/promotions lists them")
        }
        return try AuditJSON.response(story)
    }

    // MARK: The hash chain

    /// What `GET /api/v1/audit/verify` answers, the fields of `slipway audit verify --output json`
    /// and `ok`: whether the chain verifies and, when `expectHead` was given, contains it.
    struct ChainReport: Encodable {
        var ok: Bool
        var intact: Bool
        var events: Int64
        var headHash: String
        var firstBreak: ChainVerification.Break?
        var expectedHead: String?
        var expectedHeadFound: Bool?
        /// The signed checkpoints, checked with the server's signing key; nil when it has none.
        var checkpoints: CheckpointVerification?
        /// Rows gates would act on that no event records (gates ignore them).
        var unboundFacts: [UnboundFact]
        var message: String

        enum CodingKeys: String, CodingKey {
            case ok, intact, events, headHash, firstBreak, expectedHead, expectedHeadFound, checkpoints, unboundFacts, message
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ok, forKey: .ok)
            try container.encode(intact, forKey: .intact)
            try container.encode(events, forKey: .events)
            try container.encode(headHash, forKey: .headHash)
            try container.encode(firstBreak, forKey: .firstBreak)
            try container.encode(expectedHead, forKey: .expectedHead)
            try container.encode(expectedHeadFound, forKey: .expectedHeadFound)
            try container.encode(checkpoints, forKey: .checkpoints)
            try container.encode(unboundFacts, forKey: .unboundFacts)
            try container.encode(message, forKey: .message)
        }
    }

    func verify(_ request: Request) async throws -> Response {
        let parameters = try AuditParameters(request, known: ["expectHead"])
        let expectHead = try parameters.text("expectHead")?.lowercased()
        if let expectHead, expectHead.count != 64 || !expectHead.allSatisfy(\.isHexDigit) {
            throw AuditParameters.problem("expectHead must be a 64-character hex SHA-256, as a previous verification gave it as headHash")
        }
        let verification = try await ledger.verifyChain()
        var found: Bool?
        if let expectHead, verification.isIntact {
            found = try await ledger.containsEvent(hash: expectHead)
        }
        var checkpoints: CheckpointVerification?
        if let signing = ledger.signing {
            checkpoints = try await ledger.verifyCheckpoints(
                publicKey: signing.key.publicKey, checkpointFile: signing.checkpointFile, chain: verification
            )
        }
        let unbound = try await ledger.unboundFacts()
        let message: String
        if let failure = verification.firstBreak {
            message = "chain broken at event \(failure.seq): \(failure.reason); events before it verify, nothing from event \(failure.seq) on can be trusted"
        } else if found == false {
            message = "the chain of \(verification.checked) events verifies, but the expected head is not in it: events were removed or the ledger was replaced"
        } else if let problem = checkpoints?.problems.first {
            message = "the chain of \(verification.checked) events verifies, but a signed checkpoint does not: \(problem)"
        } else if let fact = unbound.first {
            message = "the chain of \(verification.checked) events verifies, but \(fact.description)"
        } else if let latest = checkpoints?.latest {
            message = "\(verification.checked) event\(verification.checked == 1 ? "" : "s") verified, chain intact; latest signed \(latest.label)"
        } else {
            let unchecked = checkpoints == nil ? " (no signing key: checkpoints not checked)" : ""
            message = "\(verification.checked) event\(verification.checked == 1 ? "" : "s") verified, chain intact\(unchecked)"
        }
        return try AuditJSON.response(ChainReport(
            ok: verification.isIntact && found != false && checkpoints?.ok != false && unbound.isEmpty, intact: verification.isIntact,
            events: verification.checked, headHash: verification.headHash, firstBreak: verification.firstBreak, expectedHead: expectHead,
            expectedHeadFound: found, checkpoints: checkpoints, unboundFacts: unbound, message: message
        ))
    }
}
