/// Where a run (one pipeline at one commit) stands.
public enum RunStatus: String, Sendable, CaseIterable, Codable {
    case pending, running, succeeded, failed, cancelled

    public var isFinished: Bool { [.succeeded, .failed, .cancelled].contains(self) }
}

/// Where one promotion (a release into one environment) stands.
public enum PromotionStatus: String, Sendable, CaseIterable, Codable {
    /// Created, its gate not yet evaluated.
    case pending
    /// Its gate holds it: soak time, approvals or a freeze window.
    case waiting
    /// Traffic is moving to the new release.
    case progressing
    case succeeded
    case failed
    /// Failed after traffic moved, and traffic is back on the last good release.
    case rolledBack = "rolled_back"
    /// A newer release took its place before it started.
    case superseded
    /// Stopped by a person.
    case aborted

    public var isFinished: Bool { [.succeeded, .failed, .rolledBack, .superseded, .aborted].contains(self) }
}

/// What started a run.
public enum RunTrigger: String, Sendable, CaseIterable, Codable {
    case manual, poll, webhook
}

extension PromotionStatus {
    /// The moves a promotion can make; a finished promotion never changes again.
    public func canMove(to next: PromotionStatus) -> Bool {
        switch (self, next) {
        case (.pending, .waiting), (.pending, .progressing), (.pending, .superseded), (.pending, .aborted), (.pending, .failed):
            return true
        case (.waiting, .progressing), (.waiting, .superseded), (.waiting, .aborted), (.waiting, .failed):
            return true
        case (.progressing, .succeeded), (.progressing, .failed), (.progressing, .rolledBack), (.progressing, .aborted):
            return true
        default:
            return false
        }
    }
}
