import Foundation
import SlipwayTestSupport
import Testing

@Suite("slipway validate and plan")
struct ValidateCommandTests {
    @Test("valid specs at HEAD: exit 0 and a one-line summary")
    func validAtHead() throws {
        let repo = try CLIFixtures.validRepository()
        let short = String(try repo.git("rev-parse", "HEAD").prefix(12))
        let output = try SlipwayBinary.run(["validate", "--repo", repo.path])
        #expect(output.status == 0)
        #expect(output.stdout == "valid: 1 pipeline (model-serve), 3 environments (dev, staging, prod) at HEAD (\(short))\n")
    }

    @Test("every problem in every file is printed as file:line:column, and the exit code is 1")
    func brokenSpecs() throws {
        let repo = try CLIFixtures.validRepository()
        try repo.write("environments/prod.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target: { local: { port: 28082 } }
              approvals: { required: 2, approvers: ["group:release-managers"], expiresAfter: 24 hours }

            """)
        try repo.write("pipelines/model-serve.yaml", CLIFixtures.pipeline
            .replacingOccurrences(of: "{ setWeight: 50 }", with: "{ setWeight: 5 }")
            .replacingOccurrences(of: "autoPromote: true", with: "autopromote: true") + "\n")
        try repo.commit("Break the specs")
        let output = try SlipwayBinary.run(["validate", "--repo", repo.path])
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("environments/prod.yaml:7:82: expected a duration") })
        #expect(lines.contains { $0.hasPrefix("pipelines/model-serve.yaml:13:32: unknown key 'autopromote' in blueGreen") && $0.contains("did you mean 'autoPromote'?") })
        #expect(lines.contains { $0 == "pipelines/model-serve.yaml:17:70: setWeight must increase from step to step; 5 follows 10" })
        #expect(lines.last?.hasPrefix("3 problems in the specs at HEAD (") == true)
        #expect(!output.looksLikeACrash)

        // The same as JSON, for scripts.
        let json = try SlipwayBinary.run(["validate", "--repo", repo.path, "--output", "json"])
        #expect(json.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["valid"] as? Bool == false)
        let diagnostics = report?["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.count == 3)
        #expect(diagnostics.first?["file"] as? String == "environments/prod.yaml")
        #expect(diagnostics.first?["line"] as? Int == 7)
        #expect(diagnostics.first?["column"] as? Int == 82)
    }

    @Test("specs are read at the revision asked for, not from the work tree")
    func readsAtRevision() throws {
        let repo = try CLIFixtures.validRepository()
        let good = try repo.git("rev-parse", "HEAD")
        try repo.write("pipelines/model-serve.yaml", "apiVersion: slipway/v1\nkind: Pipeline\n")
        try repo.commit("Break the pipeline")
        #expect(try SlipwayBinary.run(["validate", "--repo", repo.path]).status == 1)
        #expect(try SlipwayBinary.run(["validate", "--repo", repo.path, "--rev", good]).status == 0)
        #expect(try SlipwayBinary.run(["validate", "--repo", repo.path, "--rev", "HEAD~1"]).status == 0)
        // Uncommitted fixes count only with --worktree.
        try repo.write("pipelines/model-serve.yaml", CLIFixtures.pipeline + "\n")
        #expect(try SlipwayBinary.run(["validate", "--repo", repo.path]).status == 1)
        let worktree = try SlipwayBinary.run(["validate", "--repo", repo.path, "--worktree"])
        #expect(worktree.status == 0)
        #expect(worktree.stdout.hasSuffix("at work tree\n"))
    }

    @Test("a revision that does not exist, a missing repository, malformed YAML: one clear message, no crash")
    func badInput() throws {
        let repo = try CLIFixtures.validRepository()
        let missingRevision = try SlipwayBinary.run(["validate", "--repo", repo.path, "--rev", "no-such-branch"])
        #expect(missingRevision.status == 1)
        #expect(missingRevision.stderr.hasPrefix("error: "))
        #expect(missingRevision.stderr.contains("no-such-branch"))
        #expect(!missingRevision.looksLikeACrash)

        let missingRepo = try SlipwayBinary.run(["validate", "--repo", repo.path + "/nowhere"])
        #expect(missingRepo.status == 1)
        #expect(missingRepo.stderr.contains("does not exist"))

        let notARepo = try TemporaryDirectory()
        let plainFolder = try SlipwayBinary.run(["validate", "--repo", notARepo.path])
        #expect(plainFolder.status == 1)
        #expect(plainFolder.stderr.hasPrefix("error: "))
        #expect(!plainFolder.looksLikeACrash)

        try repo.write("environments/dev.yaml", "apiVersion: slipway/v1\nkind: Environment\nmetadata: { name: dev\n")
        try repo.commit("Unclosed brace")
        let malformed = try SlipwayBinary.run(["validate", "--repo", repo.path])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.hasPrefix("environments/dev.yaml:"))
        #expect(malformed.stderr.contains("malformed YAML"))
        #expect(!malformed.looksLikeACrash)
    }

    @Test("a file:// URL is cloned under the state directory and fetched on the next use")
    func remoteRepository() throws {
        let repo = try CLIFixtures.validRepository()
        let state = try TemporaryDirectory()
        let first = try SlipwayBinary.run(["validate", "--repo", repo.fileURL, "--state-dir", state.path, "--rev", "main"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: state.path("repos")).count == 1)
        try repo.write("pipelines/model-serve.yaml", "kind: Pipeline\n")
        try repo.commit("Break it upstream")
        let second = try SlipwayBinary.run(["validate", "--repo", repo.fileURL, "--state-dir", state.path, "--rev", "main"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("pipelines/model-serve.yaml:1:1"))
    }

    @Test("plan prints each stage's gate and strategy; --output json is complete")
    func plan() throws {
        let repo = try CLIFixtures.validRepository()
        let output = try SlipwayBinary.run(["plan", "--repo", repo.path])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("pipeline model-serve at ") == true)
        #expect(lines.contains { $0.hasPrefix("#  ENVIRONMENT") })
        #expect(lines.contains { $0.hasPrefix("1  dev ") && $0.contains("automatic") && $0.contains("blue/green") })
        #expect(lines.contains { $0.hasPrefix("2  staging ") && $0.contains("after dev succeeds, soak 5m") && $0.contains("canary 10% → 50% → pause 2m → 100%") })
        #expect(lines.contains { $0.hasPrefix("3  prod ") && $0.contains("2 approvals from group:release-managers") && $0.contains("outside freeze windows") })
        #expect(lines.contains { $0 == "  freeze prod: Fri 17:00 → Mon 08:00 Europe/Berlin" })

        let json = try SlipwayBinary.run(["plan", "--repo", repo.path, "--output", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let plans = report?["plans"] as? [[String: Any]]
        let stages = plans?.first?["stages"] as? [[String: Any]]
        #expect(stages?.map { $0["environment"] as? String } == ["dev", "staging", "prod"])
        #expect(report?["commit"] as? String == (try repo.git("rev-parse", "HEAD")))

        let unknown = try SlipwayBinary.run(["plan", "--repo", repo.path, "--pipeline", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: there is no pipeline 'nope' at HEAD; pipelines: model-serve\n")
    }

    @Test("this repository's own specs are valid at HEAD")
    func ownSpecs() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let output = try SlipwayBinary.run(["validate", "--repo", root.path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.hasPrefix("valid: 1 pipeline (model-serve), 3 environments (dev, staging, prod)"))
    }

    @Test("--help lists every command")
    func help() throws {
        let output = try SlipwayBinary.run(["--help"])
        #expect(output.status == 0)
        for command in ["validate", "plan", "history", "audit", "db"] {
            #expect(output.stdout.contains("  \(command) "), "missing \(command)")
        }
    }
}
