import Foundation
import SlipwayCore

/// Image steps within the build stage: building and pushing with the runner's registry
/// credentials, and the local archives the scans read.
extension BuildRunner {
    /// Builds and pushes an image step's image, with the registry credentials of the runner's environment.
    func buildImage(_ image: ImageBuild, _ run: StepRun, logPath: String) async throws -> BuiltImage {
        let scratch = layout.imageDirectory(runID: run.runID, step: run.plan.name)
        try Self.freshDirectory(scratch, operation: "prepare the image step's directory")
        let credentials: RegistryCredentials
        do {
            credentials = try RegistryCredentials.prepare(for: image.registry, step: run.plan.name, environment: credentialEnvironment)
        } catch {
            throw BuildError.image(error)
        }
        defer { credentials.remove() }
        let request = ImageBuildRequest(
            step: run.plan.name, spec: image, checkout: run.checkout,
            containerfile: "\(run.checkout)/\(run.plan.containerfile ?? image.containerfile)",
            context: run.plan.context.map { $0.isEmpty ? run.checkout : "\(run.checkout)/\($0)" } ?? run.checkout,
            tag: image.tag(commit: run.commit, runID: run.runID), scratch: scratch,
            archive: run.keepArchive ? "\(scratch)/image.tar" : nil,
            storageRoot: layout.imageStorage, storageRunRoot: layout.imageRunStorage, timestamp: run.commitTime,
            credentials: credentials
        )
        let built = try await ImageStep(
            request: request, logPath: logPath, timeout: run.plan.step.timeout, grace: terminationGrace, environment: run.plan.step.env,
            searchPath: toolSearchPath
        ).run()
        logger.info("image pushed", metadata: ["run": "\(run.runID)", "step": "\(run.plan.name)", "image": "\(built.reference)"])
        return built
    }

    /// The image steps whose image a scan runs a tool on: they keep a local archive of it.
    static func scannedImages(_ pipeline: PipelineSpec) -> Set<String> {
        let imageSteps = pipeline.build.filter { $0.image != nil }.map(\.name)
        var scanned: Set<String> = []
        for entry in pipeline.scan {
            let subject: ScanSubject
            switch entry {
            case .vulnerabilities(let scan):
                guard scan.report == nil else { continue }
                subject = scan.subject
            case .sbom(let sbom):
                subject = sbom.subject
            }
            switch subject {
            case .automatic: if let last = imageSteps.last { scanned.insert(last) }
            case .image(let step): scanned.insert(step)
            case .directory: break
            }
        }
        return scanned
    }

    /// Removes the images' local archives once the scans are done with them.
    static func removeArchives(of images: [BuiltImage]) {
        for archive in images.compactMap(\.archive) { try? FileManager.default.removeItem(atPath: archive) }
    }
}
