/// One progress line of `POST /api/pull` or `POST /api/create`.
///
/// Pull sends `"pulling manifest"`, then `"pulling <digest>"` lines with `total`/`completed`
/// bytes, `"verifying sha256 digest"`, `"writing manifest"` and finally `"success"`.
public struct ProgressStatus: Sendable, Hashable, Codable {
    public var status: String
    /// The layer being downloaded, `sha256:<hex>`.
    public var digest: String?
    /// Size of the layer in bytes.
    public var total: Int64?
    /// Bytes of the layer downloaded so far.
    public var completed: Int64?

    public init(status: String, digest: String? = nil, total: Int64? = nil, completed: Int64? = nil) {
        self.status = status
        self.digest = digest
        self.total = total
        self.completed = completed
    }

    /// Whether this is the final line of a successful operation.
    public var isSuccess: Bool { status == "success" }
}
