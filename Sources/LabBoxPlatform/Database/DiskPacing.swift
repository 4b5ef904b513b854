import Foundation
import Synchronization

/// Paces big bursts of disk work so that the server's commits do not queue behind them.
///
/// On ext4 a commit's `fsync` of the WAL waits for whatever the kernel is flushing or freeing at
/// that moment. A backup writes about twice as many bytes as the database holds (the `VACUUM INTO`
/// copy, then the archive) and deletes the copy at the end; a checkpoint after a large import or a
/// long reader copies hundreds of megabytes into the database and syncs them at once. Left to the
/// kernel, such pages go to disk in bursts of hundreds of megabytes, and deleting a 1 GB file frees
/// (and, with `discard`, trims) all of it in one journal commit; each cost single writes 100–370 ms
/// on the development VM (decision 0016). Done in small steps, a commit waits for a few megabytes.
package enum DiskPacing {
    /// How often a file written behind is synced. `VACUUM INTO` writes its first tables at about
    /// 150 MB/s: synced every 50 ms, a commit could find 8 MB ahead of it (the slowest write during
    /// the copy: 50–108 ms); every 10 ms, 28–55 ms in most backups, and the backup took no longer.
    package static let syncInterval: TimeInterval = 0.01

    /// Runs `body` while a thread of its own syncs the file at `url` every ``syncInterval``. The
    /// file may not exist yet when `body` starts (`VACUUM INTO` creates it).
    package static func flushingBehind<T>(_ url: URL, _ body: () async throws -> T) async rethrows -> T {
        let flusher = Flusher.start(.path(url.path))
        defer { flusher.stop() }
        return try await body()
    }

    package static func flushingBehind<T>(_ url: URL, _ body: () throws -> T) rethrows -> T {
        let flusher = Flusher.start(.path(url.path))
        defer { flusher.stop() }
        return try body()
    }

    /// The same for a file SQLite holds open, through a descriptor the caller keeps open for as
    /// long as SQLite does: closing any descriptor of a file drops every POSIX lock the process
    /// holds on it, SQLite's included.
    package static func flushingBehind<T>(descriptor: Int32, _ body: () throws -> T) rethrows -> T {
        let flusher = Flusher.start(.descriptor(descriptor))
        defer { flusher.stop() }
        return try body()
    }

    /// Deletes the file at `url`, first shrinking it 8 MB at a time, each step synced. Every step
    /// is a journal commit that a concurrent commit of the server may wait for: 32 MB steps held
    /// single writes up to 180 ms, 8 MB steps mostly under 15 ms, and the deletion took as long.
    package static func remove(_ url: URL) {
        let descriptor = open(url.path, O_WRONLY)
        if descriptor >= 0 {
            var size = lseek(descriptor, 0, SEEK_END)
            while size > 0 {
                size = max(0, size - (8 << 20))
                guard ftruncate(descriptor, size) == 0 else { break }
                fdatasync(descriptor)
            }
            close(descriptor)
        }
        try? FileManager.default.removeItem(at: url)
    }

    private final class Flusher: Sendable {
        enum File {
            /// Opened once it exists, closed at the end.
            case path(String)
            /// Borrowed: never closed here.
            case descriptor(Int32)
        }

        let file: File
        private let stopping = Atomic<Bool>(false)
        private let stopped = DispatchSemaphore(value: 0)

        private init(file: File) {
            self.file = file
        }

        static func start(_ file: File) -> Flusher {
            let flusher = Flusher(file: file)
            Thread { flusher.loop() }.start()
            return flusher
        }

        func loop() {
            var descriptor: Int32 = -1
            while !stopping.load(ordering: .acquiring) {
                if descriptor < 0 {
                    switch file {
                    case .path(let path): descriptor = open(path, O_RDONLY)
                    case .descriptor(let borrowed): descriptor = borrowed
                    }
                }
                if descriptor >= 0 { fdatasync(descriptor) }
                Thread.sleep(forTimeInterval: DiskPacing.syncInterval)
            }
            if case .path = file, descriptor >= 0 { close(descriptor) }
            stopped.signal()
        }

        /// Returns once the thread has let go of the file, so the caller may delete or rename it.
        func stop() {
            stopping.store(true, ordering: .releasing)
            stopped.wait()
        }
    }
}
