import Foundation

/// What Slipway knows of a running ModelServe slot, kept in `slots/<colour>.json` so a restarted
/// Slipway finds the process again.
public struct SlotRecord: Codable, Sendable, Equatable {
    public var colour: SlotColour
    /// The release the slot runs.
    public var releaseID: String
    public var pid: Int32
    /// The loopback port the slot's model-serve listens on.
    public var port: Int
    public var startedAt: Date
    public var logPath: String

    public init(colour: SlotColour, releaseID: String, pid: Int32, port: Int, startedAt: Date, logPath: String) {
        self.colour = colour
        self.releaseID = releaseID
        self.pid = pid
        self.port = port
        self.startedAt = startedAt
        self.logPath = logPath
    }
}
