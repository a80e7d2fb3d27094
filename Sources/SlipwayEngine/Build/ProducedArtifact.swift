import Foundation
import SlipwayLedger
import SlipwaySystem

/// A file a step produced, copied out of the checkout into the run's artifact directory and
/// hashed there, ready to be recorded in the ledger.
struct ProducedArtifact {
    var name: String
    /// The copy's path, `<state>/artifacts/<run>/<name>`.
    var location: String
    var digest: FileDigest

    /// Copies each of the step's `produces` out of `checkout` (keeping the file's permissions,
    /// so an executable stays executable) and hashes the copy, a megabyte at a time. A symbolic
    /// link is followed only while it stays inside the checkout: Slipway copies as the runner's
    /// user, and a link to the runner's files would make them an artifact.
    static func collect(
        _ plan: BuildStepPlan, checkout: String, layout: BuildLayout, runID: Int64
    ) throws(BuildError) -> [ProducedArtifact] {
        var artifacts: [ProducedArtifact] = []
        for (name, path) in plan.produces {
            let source: String
            switch CheckoutPath.resolve(path, in: checkout) {
            case .inside(let resolved): source = resolved
            case .outside(let resolved): throw .artifactOutsideCheckout(step: plan.name, name: name, path: path, resolved: resolved)
            case .missing: throw .artifactMissing(step: plan.name, name: name, path: path)
            }
            var info = stat()
            guard stat(source, &info) == 0 else {
                throw .artifactMissing(step: plan.name, name: name, path: path)
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw .artifactNotAFile(step: plan.name, name: name, path: path)
            }
            let destination = layout.artifactPath(runID: runID, name: name)
            let files = FileManager.default
            do {
                try files.createDirectory(atPath: layout.artifactDirectory(runID: runID), withIntermediateDirectories: true)
                if files.fileExists(atPath: destination) { try files.removeItem(atPath: destination) }
                // The file a link inside the checkout points at.
                try files.copyItem(atPath: source, toPath: destination)
                try files.setAttributes([.posixPermissions: Int(info.st_mode & 0o777)], ofItemAtPath: destination)
            } catch {
                throw .fileSystem(step: plan.name, operation: "copy artifact \(name) from \(path) to \(destination)", message: "\(error)")
            }
            let digest: FileDigest
            do {
                digest = try FileDigest.sha256(path: destination)
            } catch {
                throw .fileSystem(step: plan.name, operation: "compute the SHA-256 of artifact \(name)", message: "\(error)")
            }
            artifacts.append(ProducedArtifact(name: name, location: destination, digest: digest))
        }
        return artifacts
    }
}
