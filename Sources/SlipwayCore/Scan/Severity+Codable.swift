/// A severity is stored in evidence as its lower-case name (`"high"`), the word a spec's `failOn` uses.
extension Severity: Codable {}
