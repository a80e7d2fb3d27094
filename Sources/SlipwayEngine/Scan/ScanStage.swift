import Logging
import SlipwayCore
import SlipwayLedger

/// The pipeline's `scan:` entries, run in order after the build steps succeeded. Every entry is
/// recorded as a scan of the run (passed, failed, not scanned, or error) with a `scan.recorded`
/// event, and an SBOM as an artifact too; then, when any entry failed, the run stops with
/// ``BuildError/scans(_:)`` naming each, before anything is promoted.
struct ScanStage {
    var context: ScanContext
    var actor: String
    var logger: Logger

    /// Runs every entry; returns the SBOM artifacts recorded.
    func run(_ entries: [ScanEntry], progress: @Sendable (BuildProgress) -> Void) async throws -> [ArtifactRecord] {
        var failures: [ScanFailure] = []
        var artifacts: [ArtifactRecord] = []
        for entry in entries {
            let outcome: ScanOutcome
            switch entry {
            case .vulnerabilities(let scan):
                progress(.scanStarted(scan: scan.name, tool: scan.report.map { "\(scan.scanner.rawValue) report \($0)" } ?? scan.scanner.rawValue))
                outcome = try await VulnerabilityScanRun(scan: scan, context: context).run()
            case .sbom(let sbom):
                progress(.scanStarted(scan: sbom.name, tool: sbom.tool.rawValue))
                outcome = try await SBOMRun(sbom: sbom, context: context).run()
            }
            let runID = context.runID
            let actor = actor
            let (artifact, scan) = try await context.ledger.transaction { tx in
                var artifact: (artifact: ArtifactRecord, created: Bool)?
                if let sbom = outcome.sbom {
                    artifact = try await tx.recordArtifact(
                        runID: runID, name: sbom.name, kind: "sbom", location: sbom.location,
                        digest: sbom.digest.digest, sizeBytes: sbom.digest.sizeBytes, actor: actor
                    )
                }
                let scan = try await tx.recordScan(outcome.newScan(runID: runID), actor: actor)
                return (artifact, scan)
            }
            if let artifact {
                progress(.artifactRecorded(step: outcome.name, artifact: artifact.artifact, created: artifact.created))
                artifacts.append(artifact.artifact)
            }
            logger.info("scan recorded", metadata: [
                "run": "\(runID)", "scan": "\(outcome.name)", "status": "\(outcome.status.rawValue)", "summary": "\(outcome.summary)",
            ])
            progress(.scanRecorded(scan: scan.scan, created: scan.created))
            if let failure = outcome.failure { failures.append(failure) }
        }
        if !failures.isEmpty { throw BuildError.scans(failures) }
        return artifacts
    }
}
