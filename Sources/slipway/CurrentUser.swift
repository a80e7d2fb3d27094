import Foundation

/// Who runs this command, for the ledger when no --actor is given: `$USER`, else the name of
/// the process's user in the password database (make, cron and systemd often leave USER unset).
enum CurrentUser {
    static func name(or actor: String?) -> String {
        if let actor, !actor.isEmpty { return actor }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid-\(getuid())"
    }
}
