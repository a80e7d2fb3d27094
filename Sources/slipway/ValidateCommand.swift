import ArgumentParser
import Foundation
import SlipwayCore

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every pipeline and environment spec at a revision; report each problem as file:line:column.",
        discussion: "Exits 0 when the specs are valid, 1 when any problem is found (all of them are listed)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The git revision to read specs at: a branch, tag or commit.")
    var rev: String = "HEAD"

    @Flag(name: .long, help: "Validate the files in the work tree instead, uncommitted changes included.")
    var worktree = false

    @Option(name: .long, help: "table (human-readable) or json.")
    var output: ReportFormat = .table

    func validate() throws {
        if worktree, global.repoIsRemote {
            throw ValidationError("--worktree needs a local --repo; a remote has no work tree")
        }
    }

    struct Report: Encodable {
        var valid: Bool
        var revision: String
        var commit: String?
        var pipelines: [String]
        var environments: [String]
        var diagnostics: [SpecDiagnostic]
    }

    func run() async throws {
        try await runReportingFailures {
            let files: [SpecFile]
            let revisionLabel: String
            var commit: String?
            if worktree {
                files = try SpecSource.worktreeFiles(at: absolute(global.repo))
                revisionLabel = "work tree"
            } else {
                let snapshot = try SpecSource(options: global).snapshot(at: rev)
                files = snapshot.files
                commit = snapshot.commit.id.sha
                revisionLabel = "\(rev) (\(snapshot.commit.id.short))"
            }
            switch SpecLoader.load(files) {
            case .success(let specs):
                if output == .json {
                    try printJSON(Report(
                        valid: true, revision: worktree ? "worktree" : rev, commit: commit,
                        pipelines: specs.pipelines.map(\.name), environments: specs.orderedEnvironments.map(\.name), diagnostics: []
                    ))
                } else {
                    let pipelines = specs.pipelines.map(\.name).joined(separator: ", ")
                    let environments = specs.orderedEnvironments.map(\.name).joined(separator: ", ")
                    print("valid: \(specs.pipelines.count) pipeline\(specs.pipelines.count == 1 ? "" : "s") (\(pipelines)), \(specs.environments.count) environment\(specs.environments.count == 1 ? "" : "s") (\(environments)) at \(revisionLabel)")
                }
            case .failure(let error):
                if output == .json {
                    try printJSON(Report(
                        valid: false, revision: worktree ? "worktree" : rev, commit: commit,
                        pipelines: [], environments: [], diagnostics: error.diagnostics
                    ))
                } else {
                    for diagnostic in error.diagnostics {
                        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
                    }
                    let count = error.diagnostics.count
                    printNote("\(count) problem\(count == 1 ? "" : "s") in the specs at \(revisionLabel)")
                }
                throw ExitCode.failure
            }
        }
    }
}
