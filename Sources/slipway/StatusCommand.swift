import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwayTargets

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What runs in each environment: the live release, weights, slot health, a promotion under way."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this environment.")
    var env: String?

    @Option(name: .long, help: "table or json.")
    var output: ReportFormat = .table

    struct Row: Encodable {
        var environment: String
        var url: String
        var proxy: String
        var state: TargetState
        var promotion: String?
        /// Where the stable release came from, from the ledger.
        var live: Live?
    }

    /// The stable release's provenance: its commit, the ModelServe artifact's digest, the model.
    struct Live: Encodable {
        var releaseID: String
        var commit: String
        var artifactDigest: String?
        var model: String?
        var modelDigest: String?
    }

    /// The provenance of each release in `releases`, by release id.
    static func provenance(of releases: Set<String>, environment: [String: String], ledger: Ledger) async throws -> [String: Live] {
        try await ledger.transaction { tx in
            var found: [String: Live] = [:]
            for release in releases {
                guard let runID = try await tx.runID(releaseID: release), let bill = try await tx.releaseBill(runID: runID) else { continue }
                let binary = bill.artifacts.first { $0.name == "binary" } ?? bill.artifacts.first { $0.kind == "binary" }
                // The model as this environment's promotion of the release recorded it.
                let model = bill.promotions.last { $0.promotion.environment == environment[release] && $0.model != nil }?.model ?? bill.model
                found[release] = Live(
                    releaseID: release, commit: bill.run.commitSHA, artifactDigest: binary?.digest, model: model?.name,
                    modelDigest: model?.digest
                )
            }
            return found
        }
    }

    func run() async throws {
        try await runReportingFailures {
            let snapshot = try SpecSource(options: global).snapshot(at: "HEAD")
            guard case .success(let specs) = SpecLoader.load(snapshot.files) else {
                throw CommandError("the specs at HEAD are not valid; run `slipway validate`")
            }
            let environments = specs.orderedEnvironments.filter { env == nil || $0.name == env }
            if let env, environments.isEmpty { throw CommandError("there is no environment '\(env)'") }
            let unfinished = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx -> [String: String] in
                    var waiting: [String: String] = [:]
                    for promotion in try await tx.unfinishedPromotions() {
                        let steps = try await tx.steps(promotionID: promotion.id)
                        let current = steps.first { !$0.status.isFinished }
                        waiting[promotion.environment] = "\(promotion.releaseID) \(promotion.status.rawValue)"
                            + (current.map { " at \($0.ordinal)/\(steps.count) \($0.name)" + ($0.logTail.map { " (\($0))" } ?? "") } ?? "")
                    }
                    return waiting
                }
            }
            var rows: [Row] = []
            for environment in environments {
                guard case .local(let port) = environment.target else {
                    rows.append(Row(environment: environment.name, url: "-", proxy: "kubernetes (not driven yet)", state: TargetState(), promotion: unfinished[environment.name]))
                    continue
                }
                let local = LocalEnvironment.forSpec(name: environment.name, port: port, stateDirectory: global.resolvedStateDirectory)
                let target = LocalReleaseTarget(environment: local)
                let proxy = local.haproxy.runningPID().map { "haproxy pid \($0)" } ?? "down"
                rows.append(Row(environment: environment.name, url: target.liveURL, proxy: proxy, state: await target.state(), promotion: unfinished[environment.name]))
            }
            var stableIn: [String: String] = [:]
            for row in rows { if let stable = row.state.stable { stableIn[stable.releaseID] = row.environment } }
            let provenance = try await DatabaseSource.withLedger(global) { ledger in
                try await Self.provenance(of: Set(stableIn.keys), environment: stableIn, ledger: ledger)
            }
            for index in rows.indices {
                if let stable = rows[index].state.stable { rows[index].live = provenance[stable.releaseID] }
            }
            if output == .json {
                try printJSON(rows)
                return
            }
            var table = TextTable(["ENVIRONMENT", "URL", "PROXY", "STABLE", "CANDIDATE", "PROMOTION"])
            for row in rows {
                func describe(_ release: TargetState.Release?) -> String {
                    guard let release else { return "-" }
                    return "\(release.releaseID) (\(release.slot), weight \(release.weight)\(release.healthy ? "" : ", DOWN"))"
                }
                table.add([row.environment, row.url, row.proxy, describe(row.state.stable), describe(row.state.candidate), row.promotion ?? "-"])
            }
            print(table.render())
            let live = rows.compactMap { row in row.live.map { (row.environment, $0) } }
            if !live.isEmpty {
                var provenance = TextTable(["LIVE IN", "COMMIT", "MODELSERVE ARTIFACT", "MODEL"])
                for (environment, release) in live {
                    provenance.add([
                        environment, String(release.commit.prefix(12)), release.artifactDigest ?? "-",
                        release.model.map { name in name + (release.modelDigest.map { " (digest \($0.prefix(12)))" } ?? "") } ?? "-",
                    ])
                }
                print("")
                print(provenance.render())
            }
        }
    }
}
