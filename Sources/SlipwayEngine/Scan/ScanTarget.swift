/// What a scan looks at, once the build has run: a directory of the checkout, or an image a step
/// built (its local archive, which the scanners read without reaching the registry).
enum ScanTarget: Sendable, Equatable {
    /// `path` is absolute; `shown` is how the spec names it (`.` for the checkout).
    case directory(path: String, shown: String)
    case image(BuiltImage)

    /// For messages and summaries: `the checkout`, `directory out`, `image 127.0.0.1:5000/app@sha256:…`.
    var description: String {
        switch self {
        case .directory(_, let shown): shown == "." ? "the checkout" : "directory \(shown)"
        case .image(let image): "image \(image.reference)"
        }
    }
}
