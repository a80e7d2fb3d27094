/// Who may read what the API shows. Reading promotion history, runs, pending gates and the
/// audit needs a token in one of ``readerGroups`` (auditors and release managers by default);
/// deciding at a gate needs any valid token, and the gate's own rules (the environment's
/// approvers, self-approval, break glass) then decide whether the decision counts.
public struct AccessPolicy: Sendable, Equatable {
    /// The groups whose members may read. Default `auditors` and `release-managers`.
    public var readerGroups: [String]

    public init(readerGroups: [String] = AccessPolicy.defaultReaderGroups) {
        self.readerGroups = readerGroups
    }

    public static let defaultReaderGroups = ["auditors", "release-managers"]

    /// Whether `caller` may read.
    public func mayRead(_ caller: APICaller) -> Bool {
        caller.groups.contains(where: readerGroups.contains)
    }

    /// Throws 403 with what is missing unless `caller` may read.
    func requireReader(_ caller: APICaller) throws {
        guard mayRead(caller) else {
            let theirs = caller.groups.isEmpty ? "no group" : "the groups " + caller.groups.joined(separator: ", ")
            throw APIProblem(
                status: .forbidden, code: "forbidden",
                message: "reading this needs a token in one of the groups \(readerGroups.joined(separator: ", ")); \(caller.user) is in \(theirs)"
            )
        }
    }
}
