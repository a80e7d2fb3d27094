/// An analysis could not be run: its template is unusable or the release's metrics could not be
/// read. Not a verdict on the release — the run may be tried again once the cause is fixed.
public struct AnalysisRunnerError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
