import Foundation
import Synchronization

/// What a running job sees: its row, and ways to report progress, log, check for cancellation and
/// name its result file.
///
/// Progress and log lines are kept in memory and written out by the runner once a second, so a
/// job may report from inside its own database transaction without waiting for the writer.
package final class JobExecution: Sendable {
    package struct Live: Sendable {
        package var progress = 0
        package var message = ""
        package var pendingLog: [(Date, String)] = []
    }

    package let job: Job
    package let database: AppDatabase
    package let dataDirectory: String
    private let live = Mutex(Live())
    private let cancelled = Atomic<Bool>(false)

    package init(job: Job, database: AppDatabase, dataDirectory: String) {
        self.job = job
        self.database = database
        self.dataDirectory = dataDirectory
    }

    package var id: Int64 { job.id ?? 0 }
    package var context: EventContext { job.eventContext }

    package func progress(_ percent: Int, _ message: String) {
        live.withLock { live in
            live.progress = min(max(percent, 0), 100)
            live.message = message
        }
    }

    package func log(_ line: String) {
        live.withLock { $0.pendingLog.append((Date(), line)) }
    }

    /// Throws ``JobCancelled`` once the job was cancelled or the server is stopping; call it
    /// between units of work, inside transactions too, so a cancel rolls the work back.
    package func checkpoint() throws {
        if cancelled.load(ordering: .relaxed) || Task.isCancelled { throw JobCancelled() }
    }

    package func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Current progress, and the log lines not yet written (which are handed over).
    package func takeLive() -> Live {
        live.withLock { live in
            defer { live.pendingLog.removeAll() }
            return live
        }
    }

    package var snapshot: (progress: Int, message: String) { live.withLock { ($0.progress, $0.message) } }

    package static func resultDirectory(of id: Int64) -> String { "attachments/jobs/\(id)" }

    package var resultDirectory: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent(Self.resultDirectory(of: id))
    }

    /// Where the job writes a result file: `attachments/jobs/<id>/<name>` in the data directory.
    package func resultFile(named name: String) throws -> (relativePath: String, url: URL) {
        try FileManager.default.createDirectory(at: resultDirectory, withIntermediateDirectories: true)
        return (Self.resultDirectory(of: id) + "/" + name, resultDirectory.appendingPathComponent(name))
    }
}
