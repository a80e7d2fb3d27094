import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwaySystem

/// One `sbom:` entry of a run: syft describes the image (or a directory of the checkout) as a
/// CycloneDX JSON SBOM, kept as an artifact of the run with its SHA-256, and the packages it
/// lists are counted.
///
/// An SBOM carries the time it was made and a random serial number, so making it again gives
/// other bytes: a resumed run whose SBOM is already recorded (and still on disk with that
/// digest) keeps it instead of making another.
struct SBOMRun {
    var sbom: SBOMScan
    var context: ScanContext

    func run() async throws -> ScanOutcome {
        let name = sbom.name
        let tool = sbom.tool.rawValue
        let artifactPath = context.layout.artifactPath(runID: context.runID, name: name)
        let target: ScanTarget
        do {
            target = try context.target(for: sbom.subject, scan: name)
        } catch {
            return .error(error, kind: .sbom, tool: tool)
        }

        if let kept = try await recordedSBOM(at: artifactPath) {
            return try outcome(for: kept, target: target)
        }

        let scratch = context.reportPath(scan: name, extension: "cdx.json")
        try context.clear(scratch, scan: name)
        let command = ScannerCommand.sbom(sbom.tool, target: target, output: scratch, blank: context.blank)
        switch try await context.run(command, scan: name, timeout: sbom.timeout) {
        case .ran: break
        case .notInstalled(let reason):
            if sbom.optional { return .notScanned(name, kind: .sbom, tool: tool, reason: "\(command.program) is not installed (not on PATH)") }
            return .error(ScanFailure(
                scan: name, .toolNotFound, reason,
                advice: ScannerCommand.installAdvice(command.program) + ", or mark the entry `optional: true` to record it as not scanned"
            ), kind: .sbom, tool: tool)
        case .failed(let failure):
            return .error(failure, kind: .sbom, tool: tool)
        }
        do {
            try context.clear(artifactPath, scan: name)
            try FileManager.default.moveItem(atPath: scratch, toPath: artifactPath)
        } catch let error as BuildError {
            throw error
        } catch {
            return .error(ScanFailure(
                scan: name, .reportMissing, "\(command.program) exited 0 but its SBOM is not at \(scratch): \(error)",
                advice: "read its log: \(context.logPath(scan: name))", logPath: context.logPath(scan: name)
            ), kind: .sbom, tool: tool)
        }
        let digest: FileDigest
        do {
            digest = try FileDigest.sha256(path: artifactPath)
        } catch {
            throw BuildError.fileSystem(step: nil, operation: "compute the SHA-256 of the SBOM \(artifactPath)", message: "\(error)")
        }
        return try outcome(for: ProducedArtifact(name: name, location: artifactPath, digest: digest), target: target)
    }

    /// The SBOM an earlier attempt of this run recorded, when its file is still there unchanged.
    private func recordedSBOM(at path: String) async throws -> ProducedArtifact? {
        let runID = context.runID
        let name = sbom.name
        guard let record = try await context.ledger.transaction({ tx in try await tx.artifact(runID: runID, name: name) }),
              record.kind == "sbom", record.location == path,
              let digest = try? FileDigest.sha256(path: path), digest.digest == record.digest
        else { return nil }
        return ProducedArtifact(name: name, location: path, digest: digest)
    }

    private func outcome(for artifact: ProducedArtifact, target: ScanTarget) throws -> ScanOutcome {
        let summary: CycloneDXSummary
        do {
            summary = try CycloneDXSummary.read(Data(contentsOf: URL(fileURLWithPath: artifact.location)))
        } catch {
            return .error(ScanFailure(
                scan: sbom.name, .reportUnreadable, "\(error)",
                advice: "check the tool's output in \(context.logPath(scan: sbom.name)); syft writes CycloneDX with `-o cyclonedx-json`"
            ), kind: .sbom, tool: sbom.tool.rawValue, reportDigest: artifact.digest.digest, reportLocation: artifact.location)
        }
        let byType = summary.componentsByType.mapValues { JSONValue.number(Double($0)) }
        return ScanOutcome(
            name: sbom.name, kind: .sbom, tool: sbom.tool.rawValue, status: .passed,
            counts: .object(["packages": .number(Double(summary.packages)), "componentsByType": .object(byType)]),
            summary: "\(summary.summary) in \(target.description) (CycloneDX \(summary.specVersion))",
            reportDigest: artifact.digest.digest, reportLocation: artifact.location, sbom: artifact
        )
    }
}
