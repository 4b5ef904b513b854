import Foundation
import Synchronization

/// Paces a backup's own disk work so that the server's commits do not queue behind it.
///
/// A backup writes about twice as many bytes as the database holds (the `VACUUM INTO` copy, then
/// the archive) and deletes the copy at the end. On ext4 a commit's `fsync` of the WAL waits for
/// whatever the kernel is flushing or freeing at that moment: left to the kernel, the backup's
/// pages are written out in bursts of hundreds of megabytes, and deleting a 1 GB file frees (and,
/// with `discard`, trims) all of it in one journal commit. Each cost single writes 100–370 ms on
/// the development VM (decision 0016); done in small steps, a commit waits for a few megabytes.
enum DiskPacing {
    /// Runs `body` while a thread of its own syncs the file at `url` every `interval`. The file
    /// may not exist yet when `body` starts (`VACUUM INTO` creates it).
    static func flushingBehind<T>(_ url: URL, _ body: () async throws -> T) async rethrows -> T {
        let flusher = Flusher.start(url)
        defer { flusher.stop() }
        return try await body()
    }

    static func flushingBehind<T>(_ url: URL, _ body: () throws -> T) rethrows -> T {
        let flusher = Flusher.start(url)
        defer { flusher.stop() }
        return try body()
    }

    /// Deletes the file at `url`, first shrinking it 32 MB at a time, each step synced.
    static func remove(_ url: URL) {
        let descriptor = open(url.path, O_WRONLY)
        if descriptor >= 0 {
            var size = lseek(descriptor, 0, SEEK_END)
            while size > 0 {
                size = max(0, size - (32 << 20))
                guard ftruncate(descriptor, size) == 0 else { break }
                fdatasync(descriptor)
            }
            close(descriptor)
        }
        try? FileManager.default.removeItem(at: url)
    }

    private final class Flusher: Sendable {
        let path: String
        let interval: TimeInterval
        private let stopping = Atomic<Bool>(false)
        private let stopped = DispatchSemaphore(value: 0)

        private init(path: String, interval: TimeInterval) {
            self.path = path
            self.interval = interval
        }

        static func start(_ url: URL, every interval: TimeInterval = 0.05) -> Flusher {
            let flusher = Flusher(path: url.path, interval: interval)
            Thread { flusher.loop() }.start()
            return flusher
        }

        func loop() {
            var descriptor: Int32 = -1
            while !stopping.load(ordering: .acquiring) {
                if descriptor < 0 { descriptor = open(path, O_RDONLY) }
                if descriptor >= 0 { fdatasync(descriptor) }
                Thread.sleep(forTimeInterval: interval)
            }
            if descriptor >= 0 { close(descriptor) }
            stopped.signal()
        }

        /// Returns once the thread has let go of the file, so the caller may delete or rename it.
        func stop() {
            stopping.store(true, ordering: .releasing)
            stopped.wait()
        }
    }
}
