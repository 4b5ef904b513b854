import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the database file looked like when LabBox last closed it whole, so that the next start
/// can skip `quick_check` (``IntegrityCheck/damage(path:)``, a second per gigabyte) when nothing
/// has touched the file since.
///
/// The stamp is the file's device, inode, size and modification time in nanoseconds, written
/// beside it (`labbox.db-closed`) after a close that left no WAL frames. A file a LabBox start
/// found sound, changed only through SQLite and closed cleanly is sound; anything else — a crash
/// (WAL frames left, or the stamp of an older close), a restore (another inode), a copy, an edit
/// of a byte — changes the stamp, and the next start checks the whole file again. What the stamp
/// cannot see is a medium that changes bytes under an unchanged file; SQLite reports such a page
/// as damaged when it reads it, and `labbox check` reads them all.
package enum CleanClose {
    /// Records that the file at `databasePath` is as a clean close left it.
    package static func record(_ databasePath: String) {
        guard let stamp = stamp(of: databasePath) else { return }
        let url = URL(fileURLWithPath: databasePath + "-closed")
        try? Data(stamp.utf8).write(to: url, options: .atomic)
    }

    /// Whether the file at `databasePath` is unchanged since LabBox last closed it cleanly.
    package static func isUnchanged(_ databasePath: String) -> Bool {
        guard let stamp = stamp(of: databasePath),
            let recorded = try? String(contentsOfFile: databasePath + "-closed", encoding: .utf8)
        else { return false }
        return recorded == stamp
    }

    /// Nil when the WAL holds frames: the database is then more than its file.
    private static func stamp(of databasePath: String) -> String? {
        var wal = stat()
        if stat(databasePath + "-wal", &wal) == 0, wal.st_size > 0 { return nil }
        var file = stat()
        guard stat(databasePath, &file) == 0 else { return nil }
        return "\(file.st_dev) \(file.st_ino) \(file.st_size) \(file.st_mtim.tv_sec).\(file.st_mtim.tv_nsec)"
    }
}
