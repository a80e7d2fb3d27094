import Testing
@testable import SlipwayCore

/// Image build steps and the scan entries' reports and subjects, as the pipeline reader reads them.
@Suite struct ImageAndScanDecodingTests {
    static func pipeline(_ parts: String) -> String { PipelineDecodingTests.pipeline(parts) }

    @Test func imageStepDecodesWithDefaults() throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml(pipelinePath, Self.pipeline("""
              build:
                - { name: server, run: [make], produces: { binary: out/server } }
                - name: image
                  timeout: 10m
                  env: { HTTP_PROXY: "" }
                  image: { repository: "127.0.0.1:5000/model-serve" }
                - name: docker-image
                  image:
                    builder: docker
                    containerfile: deploy/Dockerfile
                    context: deploy
                    repository: registry.example.com/team/model-serve
                    tag: "release-{run}-{commit}"
                    buildArgs: { SWIFT_VERSION: "6.0" }
              scan:
                - { sbom: syft, image: image }
            """))])
        let build = try #require(set.pipeline(named: "p")?.build)
        #expect(build.map(\.name) == ["server", "image", "docker-image"])
        #expect(build[0].image == nil && build[0].run == ["make"])
        #expect(build[1].run.isEmpty && build[1].timeout == .seconds(600) && build[1].env == ["HTTP_PROXY": ""])
        #expect(build[1].image == ImageBuild(repository: "127.0.0.1:5000/model-serve"))
        #expect(build[1].image?.containerfile == "Containerfile" && build[1].image?.context == "." && build[1].image?.builder == .buildah)
        #expect(build[1].image?.registryIsLoopback == true)
        #expect(build[2].image == ImageBuild(
            builder: .docker, containerfile: "deploy/Dockerfile", context: "deploy",
            repository: "registry.example.com/team/model-serve", tag: "release-{run}-{commit}", buildArgs: ["SWIFT_VERSION": "6.0"]
        ))
        #expect(build[2].image?.registryIsLoopback == false)
        #expect(build[2].image?.tag(commit: String(repeating: "a1", count: 20), runID: 7) == "release-7-a1a1a1a1a1a1")
        #expect(build[1].image?.tag(commit: String(repeating: "b2", count: 20), runID: 7) == "b2b2b2b2b2b2")
    }

    @Test func scanEntriesDecodeReportsSubjectsNamesAndTimeouts() throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml(pipelinePath, Self.pipeline("""
              build:
                - { name: image, image: { repository: "localhost:5000/app" } }
              scan:
                - { scanner: trivy, report: reports/trivy.json, ignore: security/ignore.yaml }
                - { scanner: grype, name: grype-binary, path: out, timeout: 2m }
                - { scanner: grype }
                - { sbom: syft, name: sbom-source, path: "." }
                - { sbom: syft }
            """))])
        let scan = try #require(set.pipeline(named: "p")?.scan)
        let at = { (line: Int) in SourceLocation(file: pipelinePath, line: line, column: 7) }
        #expect(scan == [
            .vulnerabilities(VulnerabilityScan(scanner: .trivy, location: at(8), ignoreFile: "security/ignore.yaml", report: "reports/trivy.json")),
            .vulnerabilities(VulnerabilityScan(scanner: .grype, location: at(9), name: "grype-binary", subject: .directory("out"), timeout: .seconds(120))),
            .vulnerabilities(VulnerabilityScan(scanner: .grype, location: at(10))),
            .sbom(SBOMScan(tool: .syft, location: at(11), name: "sbom-source", subject: .directory("."))),
            .sbom(SBOMScan(tool: .syft, location: at(12))),
        ])
        #expect(scan.map(\.name) == ["trivy", "grype-binary", "grype", "sbom-source", "sbom"])
    }

    @Test func anOldPipelineWithoutImagesOrReportsStillLoads() throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml(pipelinePath, Self.pipeline("""
              build:
                - { name: server, run: [make], produces: { binary: out/server }, cache: [.build] }
              scan:
                - { scanner: trivy, failOn: high, ignoreUnfixed: true, ignore: "security/ignore.yaml", optional: true }
                - { sbom: syft, optional: true }
            """))])
        let pipeline = try #require(set.pipeline(named: "p"))
        #expect(pipeline.build.first?.image == nil)
        #expect(pipeline.scan.map(\.name) == ["trivy", "sbom"])
    }

    static let imageMistakes: [SpecMistake] = [
        .pipeline("an image step that also runs a command and produces files", pipeline("""
              build:
                - name: image
                  run: [make]
                  produces: { binary: out/app }
                  image: { repository: "localhost:5000/app" }
            """),
            .at(pipelinePath, 7, 7, "'run' applies to a command step, not to an image step; a step has either 'run' or 'image'"),
            .at(pipelinePath, 8, 7, "'produces' applies to a command step, not to an image step; a step has either 'run' or 'image'")),
        .pipeline("an unknown builder, a repository with a tag, a bad tag, a Containerfile outside the checkout", pipeline("""
              build:
                - name: image
                  image:
                    builder: podman
                    containerfile: ../Containerfile
                    repository: "localhost:5000/app:v1"
                    tag: "-latest"
            """),
            .at(pipelinePath, 8, 18, "unknown image builder \"podman\"; expected one of: buildah, docker, kaniko"),
            .at(pipelinePath, 9, 24, "'containerfile' must be a path inside the checkout, found \"../Containerfile\""),
            .at(pipelinePath, 10, 21, "'repository' must be a registry host and a path, without a tag or digest, such as registry.example.com/team/model-serve or 127.0.0.1:5000/model-serve; found \"localhost:5000/app:v1\""),
            .at(pipelinePath, 11, 14, "'tag' must be letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-'), with {commit} and {run} replaced; found \"-latest\"")),
        .pipeline("an image without a repository, and a repository without a registry host", pipeline("""
              build:
                - { name: one, image: { context: . } }
                - { name: two, image: { repository: team/app } }
            """),
            .at(pipelinePath, 6, 27, "missing required key 'repository' in an image build"),
            .at(pipelinePath, 7, 41, "'repository' must be a registry host and a path, without a tag or digest, such as registry.example.com/team/model-serve or 127.0.0.1:5000/model-serve; found \"team/app\"")),
    ]

    static let scanMistakes: [SpecMistake] = [
        .pipeline("a sarif entry without a report", pipeline("""
              scan:
                - { scanner: sarif }
            """),
            .at(pipelinePath, 6, 18, "a sarif entry reads a SARIF log the build wrote; give its path in the checkout with 'report', e.g. report: reports/scan.sarif")),
        .pipeline("a report with a path to scan, and a report outside the checkout", pipeline("""
              scan:
                - { scanner: trivy, report: out/trivy.json, path: out }
                - { scanner: grype, report: /tmp/grype.json }
            """),
            .at(pipelinePath, 6, 49, "'path' says what a scanner looks at, but with 'report' the scanner does not run; give one or the other"),
            .at(pipelinePath, 7, 33, "'report' must be a path inside the checkout, found \"/tmp/grype.json\"")),
        .pipeline("both a path and an image, an image that is no image step, a report on an SBOM", pipeline("""
              build:
                - { name: server, run: [make] }
              scan:
                - { sbom: syft, path: out, image: server }
                - { scanner: trivy, image: server }
                - { sbom: syft, name: sbom-two, report: sbom.json }
            """),
            .at(pipelinePath, 8, 39, "give at most one of 'path' (a directory of the checkout) and 'image' (an image step) to scan"),
            .at(pipelinePath, 9, 7, "scan entry 'trivy' names image step 'server', but the pipeline builds no image"),
            .at(pipelinePath, 10, 37, "'report' applies to vulnerability scanners, not to an sbom entry")),
        .pipeline("two images and a scan that does not say which, two entries of one name, an SBOM named like an artifact", pipeline("""
              build:
                - { name: api, image: { repository: "localhost:5000/api" } }
                - { name: web, image: { repository: "localhost:5000/web" }, produces: { sbom: x } }
              scan:
                - { scanner: grype }
                - { scanner: grype, image: web }
                - { sbom: syft, name: api, image: api }
            """),
            .at(pipelinePath, 7, 65, "'produces' applies to a command step, not to an image step; a step has either 'run' or 'image'"),
            .at(pipelinePath, 9, 7, "scan entry 'grype': the pipeline builds several images (api, web); name the one to scan with 'image', or a directory with 'path'"),
            .at(pipelinePath, 10, 7, "duplicate scan entry name 'grype'; it is already used at pipelines/p.yaml:9:7"),
            .at(pipelinePath, 11, 7, "the SBOM is recorded as artifact 'api', which image step 'api' already produces; give the entry another 'name'")),
    ]

    @Test(arguments: imageMistakes)
    func images(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: scanMistakes)
    func scans(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test func repositoriesAndTags() {
        for good in ["127.0.0.1:5000/model-serve", "localhost/app", "registry.example.com/team/app", "[::1]:5000/a"] {
            #expect(PipelineSpec.isValidRepository(good), "\(good)")
        }
        for bad in ["app", "team/app", "registry.example.com/App", "registry.example.com/app@sha256:00", "https://r.example.com/app", "r.example.com//app"] {
            #expect(!PipelineSpec.isValidRepository(bad), "\(bad)")
        }
        #expect(PipelineSpec.isValidTag("v1.2.3_rc-1"))
        #expect(!PipelineSpec.isValidTag(".hidden") && !PipelineSpec.isValidTag("") && !PipelineSpec.isValidTag(String(repeating: "a", count: 129)))
        #expect(ImageBuild(repository: "[::1]:5000/a").registryIsLoopback && ImageBuild(repository: "127.0.0.2/a").registryIsLoopback)
        #expect(!ImageBuild(repository: "registry.example.com/a").registryIsLoopback)
    }
}
