import ArgumentParser
import Foundation
import SlipwayLedger

/// `slipway release show`: the bill of a release.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "What a release is made of.",
        subcommands: [ReleaseShowCommand.self]
    )
}

struct ReleaseShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The whole bill of a release: commit, artifacts with digests (binary, image, SBOM), scans, promotions and the model.",
        discussion: """
            Name the release by its run's number (as `slipway run` prints it) or by its release id \
            (<pipeline>-<commit prefix>, as `slipway history` lists it). Times are UTC.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A run number, or a release id such as model-serve-0123456789ab.", valueName: "run-or-release"))
    var release: String

    @Option(name: .long, help: "table or json.")
    var output: ReportFormat = .table

    func validate() throws {
        if release.isEmpty { throw ValidationError("name a run number or a release id") }
        if release.allSatisfy(\.isNumber), Int64(release) == nil {
            throw ValidationError("'\(release)' is not a run number")
        }
    }

    func run() async throws {
        try await runReportingFailures {
            let name = release
            let bill = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx -> ReleaseBill? in
                    let runID: Int64?
                    if name.allSatisfy(\.isNumber) { runID = Int64(name) } else { runID = try await tx.runID(releaseID: name) }
                    guard let runID else { return nil }
                    return try await tx.releaseBill(runID: runID)
                }
            }
            guard let bill else {
                throw CommandError(
                    "there is no release '\(name)'; name a run number or a release id as `slipway history` lists them"
                )
            }
            switch output {
            case .json: try printJSON(bill)
            case .table: print(render(bill))
            }
        }
    }

    private func render(_ bill: ReleaseBill) -> String {
        let run = bill.run
        var lines = [
            "release \(bill.releaseID ?? "\(run.pipeline)-\(run.commitSHA.prefix(12))") (run \(run.id), \(run.status.rawValue))",
            "  pipeline:  \(run.pipeline)",
            "  commit:    \(run.commitSHA) on \(run.branch)" + (run.commitAuthor.map { " by \($0)" } ?? ""),
            "  triggered: \(run.trigger.rawValue) by \(run.triggeredBy) at \(timestamp(run.createdAt))",
        ]
        if let failure = bill.failure {
            lines.append("  failed:    " + failure.split(separator: "\n").joined(separator: "\n             "))
        }
        if let model = bill.model {
            lines.append("  model:     \(model.name) (digest \(model.digest))")
        }
        lines.append("")
        if bill.artifacts.isEmpty {
            lines.append("artifacts: none recorded")
        } else {
            var table = TextTable(["ARTIFACT", "KIND", "DIGEST", "SIZE", "LOCATION"])
            for artifact in bill.artifacts {
                table.add([artifact.name, artifact.kind, artifact.digest, artifact.sizeBytes.map(String.init) ?? "-", artifact.location])
            }
            lines.append(table.render())
        }
        lines.append("")
        if bill.scans.isEmpty {
            lines.append("scans: none recorded")
        } else {
            var table = TextTable(["SCAN", "TOOL", "STATUS", "REPORT", "SUMMARY"])
            for scan in bill.scans {
                table.add([scan.name, scan.tool, scan.status.rawValue, scan.reportDigest ?? "-", scan.summary])
            }
            lines.append(table.render())
        }
        lines.append("")
        if bill.promotions.isEmpty {
            lines.append("promotions: none")
        } else {
            var table = TextTable(["ENVIRONMENT", "STATUS", "STRATEGY", "MODEL", "FINISHED", "REASON"])
            for entry in bill.promotions {
                let promotion = entry.promotion
                table.add([
                    promotion.environment, promotion.status.rawValue, promotion.strategy,
                    entry.model.map { "\($0.name)@\($0.digest.prefix(12))" } ?? "-",
                    promotion.finishedAt.map(timestamp) ?? "-", promotion.reason ?? "",
                ])
            }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    private func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
