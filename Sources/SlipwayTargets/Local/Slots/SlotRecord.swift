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
    /// How the slot was started, so a slot whose process died can be started again as it was
    /// (nil in records written before Slipway kept it).
    public var launch: SlotLaunch?

    public init(colour: SlotColour, releaseID: String, pid: Int32, port: Int, startedAt: Date, logPath: String, launch: SlotLaunch? = nil) {
        self.colour = colour
        self.releaseID = releaseID
        self.pid = pid
        self.port = port
        self.startedAt = startedAt
        self.logPath = logPath
        self.launch = launch
    }
}
