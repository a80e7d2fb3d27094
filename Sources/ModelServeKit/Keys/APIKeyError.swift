import Foundation

/// Why the keys file could not be read, written or changed.
///
/// Every case names the file so an operator knows which one to fix.
public enum APIKeyError: Error, Equatable, CustomStringConvertible {
    /// The file exists but is not a valid keys file (bad JSON, wrong shape, bad hash).
    case corruptFile(path: String, reason: String)
    /// The file could not be read or written.
    case io(path: String, operation: String, errno: Int32)
    /// No key with this id exists in the file.
    case unknownKey(id: String, path: String)
    /// The requested name or scopes are not acceptable.
    case invalid(String)

    public var description: String {
        switch self {
        case .corruptFile(let path, let reason):
            return "keys file \(path) is corrupt: \(reason)"
        case .io(let path, let operation, let code):
            return "keys file \(path): \(operation) failed: \(String(cString: strerror(code)))"
        case .unknownKey(let id, let path):
            return "no key with id \(id) in keys file \(path)"
        case .invalid(let message):
            return message
        }
    }
}
