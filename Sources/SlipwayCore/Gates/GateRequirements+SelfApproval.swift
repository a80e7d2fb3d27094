extension GateRequirements {
    /// Why `user` may not approve this release, or nil: they wrote the tip commit or started the
    /// run (``GateFacts/selfApproval(by:)``), or they wrote, committed or pushed any commit the
    /// release brings to the environment since the release live there (``releaseAuthors``).
    public func selfApproval(by user: String, facts: GateFacts) -> String? {
        if let reason = facts.selfApproval(by: user) { return reason }
        let name = user.lowercased()
        for author in releaseAuthors where GateFacts.identities(ofAuthor: author).contains(name) {
            return "wrote, committed or pushed a commit of this release (\(author))"
        }
        return nil
    }
}
