/// An analysis could not be run: its template is unusable or the release's metrics could not be
/// read. Not a verdict on the release — the run may be tried again once the cause is fixed.
public struct AnalysisRunnerError: Error, Equatable, CustomStringConvertible {
    public var message: String
    /// The template (or where it is run) is the problem: trying again cannot help.
    public var isTemplateProblem: Bool

    public init(message: String, isTemplateProblem: Bool = false) {
        self.message = message
        self.isTemplateProblem = isTemplateProblem
    }

    public var description: String { message }
}
