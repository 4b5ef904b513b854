// The executable is this declaration; the server and CLI are the LabBoxApp library, which
// Benchmarks/ links too.
import Dispatch
import LabBoxApp

#if canImport(Glibc)
    import Glibc
#endif

/// A synchronous main that waits for the command, not `@main extension LabBox {}`: an async main
/// parks the main thread in `dispatch_main()`, which ends it with `pthread_exit`, and in a static
/// binary that forced unwind makes libgcc sort every unwind entry the binary has, reading all of
/// `.eh_frame` (6.5 MB) into memory at start for nothing (docs/BENCHMARKS.md, idle RSS).
@main enum Main {
    static func main() {
        // Files LabBox writes (the database, backups, attachments, keys) are never readable by
        // other users, with or without the Debian package's systemd unit (which sets the same).
        umask(0o027)
        // Detached: `main` runs on the main actor, which is the thread that waits.
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            await LabBox.main()
            finished.signal()
        }
        finished.wait()
    }
}
