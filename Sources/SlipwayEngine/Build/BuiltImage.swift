/// An image an image step built and pushed: known by its manifest digest, which is what later
/// stages deploy and what the ledger records, and kept as a local archive for the scans.
public struct BuiltImage: Sendable, Equatable {
    /// How the local copy is packed, as the scanners name the formats.
    public enum ArchiveFormat: String, Sendable, Equatable {
        /// An OCI image layout in a tar file (buildah).
        case oci = "oci-archive"
        /// `docker save`'s tar file (docker, kaniko).
        case docker = "docker-archive"
    }

    /// The image step.
    public var step: String
    /// `host[:port]/path`.
    public var repository: String
    /// The tag pushed with it.
    public var tag: String
    /// `sha256:` and 64 hex digits: the manifest digest the registry serves the image under.
    public var digest: String
    /// The local copy for the scans, when one was made.
    public var archive: String?
    public var archiveFormat: ArchiveFormat

    /// `repository@digest`: the image by digest, as it is deployed.
    public var reference: String { "\(repository)@\(digest)" }
    /// `repository:tag`.
    public var taggedReference: String { "\(repository):\(tag)" }
}
