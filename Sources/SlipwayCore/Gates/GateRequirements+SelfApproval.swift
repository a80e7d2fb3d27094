extension GateRequirements {
    /// Why `user` may not approve this release, or nil: they wrote the tip commit or started the
    /// run (``GateFacts/selfApproval(by:)``), or they wrote, committed or pushed any commit the
    /// release brings to the environment since the release live there (``releaseAuthors``).
    /// A verified `email` (an identity provider's claim) is compared as well as the user name,
    /// so a person whose provider name differs from their git name is still caught.
    public func selfApproval(by user: String, email: String? = nil, facts: GateFacts) -> String? {
        let names = [user, email].compactMap { $0 }.filter { !$0.isEmpty }
        for name in names {
            if let reason = facts.selfApproval(by: name) { return reason }
        }
        for name in names.map({ $0.lowercased() }) {
            for author in releaseAuthors where GateFacts.identities(ofAuthor: author).contains(name) {
                return "wrote, committed or pushed a commit of this release (\(author))"
            }
        }
        return nil
    }
}
