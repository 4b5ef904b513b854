import Foundation
import Synchronization

/// Keeps a file that is being written from piling up unwritten pages: a thread of its own syncs it
/// every `interval` while `body` runs.
///
/// A backup writes about twice as many bytes as the database holds (the `VACUUM INTO` copy, then
/// the archive). Left to the kernel, they go to disk in bursts of hundreds of megabytes, and the
/// server's commits, each an `fsync` of the WAL, queue behind a burst: 100–370 ms on the ext4
/// development VM (`docs/BENCHMARKS.md`). Flushed behind in small steps, a commit waits for a few
/// megabytes at most. The file may not exist yet when `body` starts (`VACUUM INTO` creates it).
enum FlushBehind {
    static func run<T>(
        _ url: URL, every interval: TimeInterval = 0.05, _ body: () async throws -> T
    ) async rethrows -> T {
        let flusher = Flusher(path: url.path, interval: interval)
        let thread = Thread { flusher.loop() }
        thread.start()
        defer { flusher.stop() }
        return try await body()
    }

    private final class Flusher: Sendable {
        let path: String
        let interval: TimeInterval
        private let stopping = Atomic<Bool>(false)
        private let stopped = DispatchSemaphore(value: 0)

        init(path: String, interval: TimeInterval) {
            self.path = path
            self.interval = interval
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
