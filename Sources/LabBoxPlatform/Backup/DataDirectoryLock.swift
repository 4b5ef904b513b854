import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on `labbox.db` that a running server holds, so a second server or a
/// restore cannot use the same data directory underneath it.
///
/// `flock` locks are independent of the POSIX record locks SQLite itself takes on the file, and
/// the kernel drops them when the process dies, so a crash never leaves a stale lock.
package final class DataDirectoryLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    package static func acquire(_ dataDirectory: String) throws -> DataDirectoryLock {
        let descriptor = open(dataDirectory + "/labbox.db", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BackupError("cannot open \(dataDirectory)/labbox.db") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw BackupError("another LabBox server is already using \(dataDirectory)")
        }
        return DataDirectoryLock(descriptor: descriptor)
    }

    package static func isHeld(_ dataDirectory: String) -> Bool {
        let descriptor = open(dataDirectory + "/labbox.db", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }
}
