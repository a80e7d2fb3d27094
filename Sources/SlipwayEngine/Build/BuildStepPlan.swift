import SlipwayCore

/// A build step with its paths checked and normalised before anything runs, so a pipeline
/// whose paths reach outside the checkout fails at once, naming the step.
struct BuildStepPlan {
    var step: BuildStep
    /// The directory to run in, relative to the checkout (`""` for the checkout itself).
    var workingDirectory: String
    /// Cached paths, relative to the checkout.
    var cache: [String]
    /// Artifact name → path relative to the checkout, sorted by name.
    var produces: [(name: String, path: String)]
    /// An image step's Containerfile and context, relative to the checkout.
    var containerfile: String?
    var context: String?

    var name: String { step.name }

    init(_ step: BuildStep) throws(BuildError) {
        self.step = step
        guard CheckoutPath.isPlainFileName(step.name) else {
            throw .unsafePath(step: step.name, field: "name", path: step.name)
        }
        let directory = step.workingDirectory ?? ""
        guard let workingDirectory = CheckoutPath.normalized(directory) else {
            throw .unsafePath(step: step.name, field: "workingDirectory", path: directory)
        }
        self.workingDirectory = workingDirectory
        var cache: [String] = []
        for path in step.cache {
            guard let normalized = CheckoutPath.normalized(path), !normalized.isEmpty else {
                throw .unsafePath(step: step.name, field: "cache", path: path)
            }
            if !cache.contains(normalized) { cache.append(normalized) }
        }
        self.cache = cache
        var produces: [(name: String, path: String)] = []
        for (name, path) in step.produces.sorted(by: { $0.key < $1.key }) {
            guard CheckoutPath.isPlainFileName(name) else { throw .invalidArtifactName(step: step.name, name: name) }
            guard let normalized = CheckoutPath.normalized(path), !normalized.isEmpty else {
                throw .unsafePath(step: step.name, field: "produces", path: path)
            }
            produces.append((name, normalized))
        }
        self.produces = produces
        if let image = step.image {
            guard let containerfile = CheckoutPath.normalized(image.containerfile), !containerfile.isEmpty else {
                throw .unsafePath(step: step.name, field: "containerfile", path: image.containerfile)
            }
            guard let context = CheckoutPath.normalized(image.context) else {
                throw .unsafePath(step: step.name, field: "context", path: image.context)
            }
            self.containerfile = containerfile
            self.context = context
        }
    }
}
