import Foundation

/// The one way Slipway starts a child process (a server, a build step, a scanner, a PostgreSQL
/// command), with one policy for what the child gets of Slipway:
///
/// - **no descriptor** above 2: every one is closed in the child (in one step where glibc can,
///   2.34+, so one opened by another thread meanwhile is not missed; else those open now are
///   listed). A child holding Slipway's database connection would keep PostgreSQL from noticing
///   that Slipway died, and a build step could talk to the ledger through it;
/// - **exactly the environment the caller passes**: nothing of Slipway's own environment is
///   inherited implicitly (``MinimalEnvironment`` is what a caller usually starts from);
/// - standard input from /dev/null, standard output and error to one file;
/// - no blocked signals, and the signals Slipway (or NIO) ignores back to their defaults, since
///   ignored signals stay ignored across exec (a `yes | head` would never end).
public enum ChildProcess {
    /// Where the child's standard output and error go.
    public struct Output: Sendable, Equatable {
        public var path: String
        /// Added to the end of the file, or the file truncated first.
        public var appending: Bool
        /// The mode of the file when it is created.
        public var mode: mode_t

        public init(path: String, appending: Bool, mode: mode_t = 0o600) {
            self.path = path
            self.appending = appending
            self.mode = mode
        }
    }

    /// Which process group or session the child runs in.
    public enum Grouping: Sendable, Equatable {
        /// Slipway's own (a command run to its end).
        case inherited
        /// A process group of its own (pgid == pid), so the whole group can be signalled.
        case ownGroup
        /// A session of its own: no controlling terminal, not in Slipway's process group (a server).
        case ownSession
    }

    /// What to start.
    public struct Launch: Sendable, Equatable {
        /// An absolute path.
        public var executable: String
        /// The arguments after argv[0] (which is `executable`).
        public var arguments: [String]
        /// The child's whole environment.
        public var environment: [String: String]
        /// The directory to start in; nil for Slipway's.
        public var directory: String?
        public var output: Output
        public var grouping: Grouping

        public init(
            executable: String, arguments: [String], environment: [String: String], directory: String? = nil, output: Output,
            grouping: Grouping
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.directory = directory
            self.output = output
            self.grouping = grouping
        }
    }

    /// Starts `launch` and returns its pid without waiting for it.
    public static func spawn(_ launch: Launch) throws(SystemError) -> pid_t {
        var program = launch.executable
        var argv = [launch.executable] + launch.arguments

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let truncation = launch.output.appending ? O_APPEND : O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 1, launch.output.path, O_WRONLY | O_CREAT | truncation, launch.output.mode)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for descriptor in openDescriptors() where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        if let directory = launch.directory {
            if let addChdir {
                guard addChdir(&actions, directory) == 0 else {
                    throw SystemError("cannot prepare \(launch.executable) to run in \(directory)")
                }
            } else {
                // Without glibc's addchdir (before 2.29), a shell changes directory and then becomes the program.
                program = "/bin/sh"
                argv = ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", directory] + argv
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGXFSZ, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        switch launch.grouping {
        case .inherited:
            break
        case .ownGroup:
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        case .ownSession:
            flags |= spawnSetSID
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = launch.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw SystemError("cannot start \(launch.executable)", errno: spawned) }
        return pid
    }

    /// The exit status in a raw `waitpid` status: the program's own, or 128 + the signal that ended it.
    public static func exitStatus(_ status: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The file descriptors this process has open (from /proc/self/fd).
    public static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.sorted()
    }

    /// Whether a spawned process's descriptors above 2 are closed in one step (glibc 2.34+), not
    /// from a list taken just before.
    public static var closesDescriptorsInOneStep: Bool { addCloseFrom != nil }

    /// glibc's `POSIX_SPAWN_SETSID` (0x80), which Swift does not import (it is behind `_GNU_SOURCE`).
    static let spawnSetSID: Int32 = 0x80

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time: Swift
    /// does not import it (it is behind `_GNU_SOURCE` too). Nil where the C library lacks it.
    private static let addCloseFrom: AddCloseFrom? = {
        // nil is RTLD_DEFAULT: the symbol wherever it is loaded (libc).
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), looked up the same way.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}
