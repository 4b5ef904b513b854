import Foundation
import GRDB
import GRDBSQLite
import Prometheus
import Synchronization

/// Keeps large WAL checkpoints out of the writer's commits.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: a few
/// hundred pages are copied into the database, and the next write restarts the WAL from its
/// beginning. But while a long reader holds an old snapshot (a backup's `VACUUM INTO`, an export
/// of every sample) nothing after that snapshot can be copied, and the WAL keeps everything written
/// meanwhile: 746 MB during the 20 s copy of a 1 GB database. The first commit after the reader ends
/// would then copy all of it while every other write waits.
///
/// So the writer's commit hook checkpoints in place only when the frames not yet copied are few;
/// a larger backlog is copied by a passive checkpoint on a connection of this type's own, off the
/// writer (a passive checkpoint never blocks writers, and while it runs the writer's attempts
/// return at once). Once the backlog is small again the writer takes over, and since a checkpoint
/// right after a commit copies every frame, the next write restarts the WAL: a background
/// checkpoint alone could never restart it under steady writes.
package final class Checkpointer: Sendable {
    /// SQLite's own threshold for the automatic checkpoint.
    package static let automaticPages: Int32 = 1000
    /// The most frames the writer copies itself (about 16 MB); more go to the background.
    package static let writerPages: Int32 = 4000

    private let path: String
    /// The database file, for syncing it behind a background checkpoint (``DiskPacing``); open as
    /// long as SQLite has it open, closed by ``closeFile()`` after the pool.
    private let database: Int32
    /// The frames copied so far, as the last checkpoint reported them (stale after a restart,
    /// which only makes the writer check again).
    private let copied = Atomic<Int32>(0)
    private let requested = Atomic<Bool>(false)
    private let installed = Atomic<Bool>(false)
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let pagesByWriter = Atomic<Int>(0)
    private let pagesInBackground = Atomic<Int>(0)

    package init(path: String) {
        self.path = path
        self.database = open(path, O_RDONLY)
    }

    /// Closes the descriptor of the database file; only once SQLite has closed the file too.
    package func closeFile() {
        if database >= 0 { close(database) }
    }

    /// Frames copied by the writer's own commits and by the background connection.
    package var pagesCopied: (byWriter: Int, inBackground: Int) {
        (pagesByWriter.load(ordering: .relaxed), pagesInBackground.load(ordering: .relaxed))
    }

    /// Replaces SQLite's automatic checkpoint on the writer `db`. The hook holds this object until
    /// ``stop(on:)``.
    package func install(on db: Database) {
        installed.store(true, ordering: .relaxed)
        sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passRetained(self).toOpaque())
    }

    /// Removes the hook from the writer and closes the background connection.
    package func stop(on db: Database) throws {
        guard installed.exchange(false, ordering: .relaxed) else { return }
        sqlite3_wal_hook(db.sqliteConnection, nil, nil)
        Unmanaged.passUnretained(self).release()
        try connection.withLock { queue in
            try queue?.close()
            queue = nil
        }
    }

    /// Called by SQLite after each commit of the writer, with the WAL's length in frames.
    fileprivate func committed(_ db: OpaquePointer?, schema: UnsafePointer<CChar>?, frames: Int32) {
        guard frames >= Self.automaticPages else { return }
        guard frames - copied.load(ordering: .relaxed) <= Self.writerPages else {
            if !requested.exchange(true, ordering: .acquiringAndReleasing) {
                DispatchQueue.global(qos: .utility).async { self.checkpointInBackground() }
            }
            return
        }
        var total: Int32 = 0
        var done: Int32 = 0
        // Busy (the background connection is checkpointing) or not: the writer never waits here.
        guard sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &total, &done) == SQLITE_OK else {
            return
        }
        record(done, counter: pagesByWriter, metric: DatabaseMetrics.checkpointedByWriter)
    }

    private func checkpointInBackground() {
        defer { requested.store(false, ordering: .releasing) }
        do {
            let progress = try connection.withLock { queue in
                // Stopped since this run was requested: the pool may be closing.
                guard installed.load(ordering: .relaxed) else { return true }
                if queue == nil { queue = try DatabaseQueue(path: path) }
                let before = copied.load(ordering: .relaxed)
                // A backlog can be hundreds of megabytes, synced at the end of the checkpoint.
                let result = try DiskPacing.flushingBehind(descriptor: database) {
                    try queue!.writeWithoutTransaction { try $0.checkpoint(.passive) }
                }
                record(
                    Int32(result.checkpointedFrameCount), counter: pagesInBackground,
                    metric: DatabaseMetrics.checkpointedInBackground)
                return result.checkpointedFrameCount > before
            }
            // Nothing could be copied: a reader still holds the old snapshot. Ask again later
            // rather than at every commit.
            if !progress { Thread.sleep(forTimeInterval: 0.1) }
        } catch {
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    private func record(_ done: Int32, counter: borrowing Atomic<Int>, metric: Prometheus.Counter) {
        let before = copied.exchange(done, ordering: .relaxed)
        // A count below the last one means the WAL restarted in between.
        let pages = Int(done) - (done >= before ? Int(before) : 0)
        if pages > 0 {
            counter.add(pages, ordering: .relaxed)
            metric.increment(by: Int64(pages))
        }
    }
}

private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 =
    { context, db, schema, frames in
        Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().committed(db, schema: schema, frames: frames)
        return SQLITE_OK
    }
