import Foundation

/// What a stage's gate waits for before the stage may start: the earlier stage succeeding with
/// the release, the soak time after that, the environment's approvals (when the stage asks for
/// them), and no freeze window — unless someone of a break-glass group overrides it, with a reason.
///
/// Built from the stage's `after:` and the environment's spec at the release's commit, made
/// stricter by the policy in effect in the environment
/// (``effective(release:inEffect:predecessor:)``); the ledger keeps a copy (``json``) so
/// approvers and auditors see the rules the gate applied and which policy version they came from.
public struct GateRequirements: Sendable, Equatable {
    /// The stage (named by its environment) that must have succeeded with this release; nil for
    /// the first environment of the promotion order, which comes after none.
    public var afterStage: String?
    /// How long the release must have run there first.
    public var soak: Duration?
    /// Who must approve; nil when the stage asks for no approval.
    public var approvals: ApprovalPolicy?
    /// When the environment takes no promotions.
    public var freeze: [FreezeWindow]
    /// Who may override a freeze window; nil when nobody may.
    public var breakGlass: BreakGlassPolicy?
    /// Which policy these rules come from: the version in effect they were made stricter with, or
    /// that the environment had none yet (the release's own policy bootstraps it).
    public var policyVersion: String?
    /// How the release changes the environment's policy, when it does: approvers see it.
    public var policyChange: PolicyChange?
    /// `Name <email>` of everyone who wrote, committed or pushed a commit the release brings since
    /// the release live in the environment: none of them may approve it under `forbidSelfApproval`.
    public var releaseAuthors: [String] = []

    public init(
        afterStage: String?, soak: Duration? = nil, approvals: ApprovalPolicy? = nil, freeze: [FreezeWindow] = [],
        breakGlass: BreakGlassPolicy? = nil, policyVersion: String? = nil, policyChange: PolicyChange? = nil
    ) {
        self.afterStage = afterStage
        self.soak = soak
        self.approvals = approvals
        self.freeze = freeze
        self.breakGlass = breakGlass
        self.policyVersion = policyVersion
        self.policyChange = policyChange
    }

    /// The requirements of `gate` into `environment`: its approval policy applies only when the
    /// stage asks for approval; its freeze windows and break-glass groups always do.
    public init(gate: StageGateSpec, environment: EnvironmentSpec?) {
        self.init(
            afterStage: gate.stage, soak: gate.soak, approvals: gate.approval ? environment?.approvals : nil,
            freeze: environment?.freeze ?? [], breakGlass: environment?.breakGlass
        )
    }

    /// Whether anything but the earlier stage and the soak time holds the gate: a person can
    /// open it (approvals) or must override it (a freeze window).
    public var involvesPeople: Bool {
        approvals != nil || !freeze.isEmpty
    }

    /// The freeze windows that hold at `instant`.
    public func activeFreezes(at instant: Date) -> [FreezeWindow] {
        freeze.filter { $0.contains(instant) }
    }
}
