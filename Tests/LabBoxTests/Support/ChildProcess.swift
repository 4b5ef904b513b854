import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, for the tests that run `labbox`, Python or openssl.
///
/// Not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` with a 256-byte
/// over-read of each entry (swift-corelibs-foundation pull request 5472, not in Swift 6.3.1), and
/// the suite, which holds over a thousand descriptors while its servers run, crashed in it with
/// signal 11. The child gets only its standard streams: every other descriptor is closed in it.
final class ChildProcess: @unchecked Sendable {
    enum Errors {
        /// Standard error on a pipe of its own (``errors``).
        case separate
        /// Standard error into the same pipe as standard output.
        case merged
        /// Standard error to `/dev/null`.
        case discarded
    }

    let pid: pid_t
    /// What the child writes on standard output (and standard error when ``Errors/merged``).
    let output: FileHandle
    let errors: FileHandle?
    /// The child's standard input when it was asked for; otherwise the child reads `/dev/null`.
    let input: FileHandle?
    private let lock = NSLock()
    private var exitStatus: Int32?

    init(
        _ executable: String, _ arguments: [String], directory: String? = nil,
        environment: [String: String]? = nil, stdin: Bool = false, errors: Errors = .separate
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        /// A pipe whose `childEnd` (0 read, 1 write) becomes the child's descriptor `target`.
        func pipe(to target: Int32, childEnd: Int) throws -> Int32 {
            var ends: [Int32] = [0, 0]
            // Another thread's child may inherit these before they are marked; its closefrom drops them.
            guard Glibc.pipe(&ends) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, ends[childEnd], target)
            childEnds.append(ends[childEnd])
            parentEnds.append(ends[1 - childEnd])
            return ends[1 - childEnd]
        }
        let inputEnd = stdin ? try pipe(to: 0, childEnd: 0) : nil
        if !stdin { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        let outputEnd = try pipe(to: 1, childEnd: 1)
        var errorsEnd: Int32?
        switch errors {
        case .separate: errorsEnd = try pipe(to: 2, childEnd: 1)
        case .merged: posix_spawn_file_actions_adddup2(&actions, childEnds[childEnds.count - 1], 2)
        case .discarded: posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        _ = Self.addClosefrom(&actions, 3)
        if let directory { _ = Self.addChdir(&actions, directory) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            for argument in argv { free(argument) }
            for variable in envp ?? [] { free(variable) }
        }
        var pid: pid_t = 0
        let result =
            if let envp { posix_spawn(&pid, executable, &actions, nil, argv, envp) } else {
                posix_spawn(&pid, executable, &actions, nil, argv, environ)
            }
        for end in childEnds { close(end) }
        guard result == 0 else {
            for end in parentEnds { close(end) }
            throw POSIXError(.init(rawValue: result) ?? .EIO)
        }
        self.pid = pid
        output = FileHandle(fileDescriptor: outputEnd, closeOnDealloc: true)
        self.errors = errorsEnd.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        input = inputEnd.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    /// True until the child has exited.
    var isRunning: Bool {
        lock.withLock {
            guard exitStatus == nil else { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            exitStatus = Self.decode(status)
            return false
        }
    }

    /// Waits for the child; its exit code, or the signal that ended it (as `Process` reported).
    @discardableResult
    func waitForExit() -> Int32 {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let decoded = Self.decode(status)
            exitStatus = decoded
            return decoded
        }
    }

    func signal(_ signal: Int32 = SIGTERM) {
        if isRunning { kill(pid, signal) }
    }

    /// `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG`, which Swift does not import (they are macros).
    private static func decode(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    // glibc has these since 2.34 and 2.29; its headers declare them only for _GNU_SOURCE, which
    // Swift's Glibc module is not built with.
    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addClosefrom = unsafeBitCast(
        dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"), to: AddClosefrom.self)
    private static let addChdir = unsafeBitCast(dlsym(nil, "posix_spawn_file_actions_addchdir_np"), to: AddChdir.self)
}
