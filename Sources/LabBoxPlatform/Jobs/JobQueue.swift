import Foundation
import GRDB
import LabBoxValues
import Synchronization

/// The persistent job queue: jobs are rows in SQLite, claimed one at a time through the single
/// writer (so no job runs twice), with the running ones' live progress held in memory.
package final class JobQueue: Sendable {
    package let database: AppDatabase
    package let dataDirectory: String
    /// The first retry waits this long; each further one twice as long.
    package let retryBase: Duration
    private let kinds: Mutex<[String: JobKind]> = Mutex([:])
    private let running = Mutex<[Int64: JobExecution]>([:])
    /// Called in the transaction that ends a job (the composition root notifies its starter).
    /// A hook, because notifications belong to the users a floor above.
    private let finished: @Sendable (Database, Job, _ title: String) throws -> Void

    package init(
        database: AppDatabase, dataDirectory: String, retryBase: Duration,
        finished: @escaping @Sendable (Database, Job, _ title: String) throws -> Void
    ) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.retryBase = retryBase
        self.finished = finished
    }

    package func register(_ kind: JobKind) {
        kinds.withLock { $0[kind.type] = kind }
    }

    package func kind(_ type: String) -> JobKind? { kinds.withLock { $0[type] } }

    /// Every registered kind.
    package var registeredKinds: [JobKind] { kinds.withLock { Array($0.values) } }

    package func title(of type: String) -> String { kind(type)?.title ?? type }

    // MARK: Starting and claiming

    /// Queues a job of a registered kind for the user `userID` (who may then follow and download
    /// it); the start is audited.
    @discardableResult
    package func enqueue(
        _ type: String, parameters: some Encodable & Sendable = [String: String](), by userID: Int64?,
        context: EventContext, schedule: String? = nil
    ) async throws -> Job {
        guard let kind = kind(type) else { throw APIError.invalid("Unknown job type '\(type)'.", field: "type") }
        let encoded = String(decoding: try JSONEncoder().encode(parameters), as: UTF8.self)
        return try await database.write(context) { write in
            try Self.insert(write, kind: kind, parameters: encoded, userID: userID, schedule: schedule)
        }
    }

    /// Queues a job inside the caller's transaction (the scheduler records its run in the same one).
    package static func insert(
        _ write: AuditedWrite, kind: JobKind, parameters: String, userID: Int64?, schedule: String?
    ) throws -> Job {
        let now = Date()
        var job = Job(
            id: nil, type: kind.type, parameters: parameters, state: .queued, progress: 0, message: "Waiting to start",
            attempts: 0, maxAttempts: kind.maxAttempts, runAfter: now, cancelRequested: false, userId: userID,
            startedBy: write.context.actorName, schedule: schedule, createdAt: now)
        try job.insert(write.db)
        try write.log("start", entityType: "job", entityID: String(job.id ?? 0), after: kind.type)
        return job
    }

    /// Takes the oldest due job and marks it running, or returns nil when none is due. A job not yet
    /// attempted is always due: only retries wait for their `run_after`, so a wall clock set back
    /// after a job was queued does not hold it back by as much.
    package func claim() async throws -> Job? {
        let now = Date()
        return try await database.write { db in
            try Job.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, progress = 0,
                        message = 'Starting', error = NULL
                    WHERE id = (
                        SELECT id FROM jobs WHERE state = 'queued' AND (attempts = 0 OR run_after <= ?)
                        ORDER BY id LIMIT 1)
                    RETURNING *
                    """,
                arguments: [now, now])
        }
    }

    package func track(_ execution: JobExecution) { running.withLock { $0[execution.id] = execution } }
    package func untrack(_ execution: JobExecution) { running.withLock { $0[execution.id] = nil } }

    // MARK: Reporting

    /// Writes a running job's progress and new log lines.
    package func flush(_ execution: JobExecution) async throws {
        let live = execution.takeLive()
        try await database.write { db in
            try Job.filter(key: execution.id).updateAll(
                db, Job.CodingKeys.progress.set(to: live.progress), Job.CodingKeys.message.set(to: live.message))
            try JobLogLine.append(db, job: execution.id, live.pendingLog)
        }
    }

    package enum Ending: Sendable {
        case succeeded(JobOutcome)
        case failed(String)
        case retry(String, after: Duration)
        case cancelled
        case interrupted(String)

        package var isSuccess: Bool {
            if case .succeeded = self { return true }
            return false
        }
    }

    /// Records how a run ended, with its last log lines, and tells the starter when it is done.
    package func finish(_ execution: JobExecution, _ ending: Ending) async throws {
        let live = execution.takeLive()
        let now = Date()
        let title = title(of: execution.job.type)
        try await database.write { db in
            guard var job = try Job.fetchOne(db, key: execution.id) else { return }
            try JobLogLine.append(db, job: execution.id, live.pendingLog)
            job.progress = live.progress
            job.message = live.message
            // The wall clock may have been set back while it ran: a run never ends before it began.
            job.finishedAt = max(now, job.startedAt ?? now)
            switch ending {
            case .succeeded(let outcome):
                (job.state, job.progress, job.message, job.resultFile) = (
                    .succeeded, 100, outcome.message, outcome.file
                )
                job.result = String(decoding: try JSONEncoder().encode(outcome.summary), as: UTF8.self)
            case .failed(let error):
                (job.state, job.error, job.message) = (.failed, error, "Failed")
            case .retry(let error, let delay):
                (job.state, job.error, job.finishedAt) = (.queued, error, nil)
                job.message = "Attempt \(job.attempts) failed; retrying"
                job.runAfter = now.addingTimeInterval(delay / .seconds(1))
            case .cancelled:
                (job.state, job.message) = (.cancelled, "Cancelled; partial work was rolled back")
            case .interrupted(let why):
                (job.state, job.message) = (.interrupted, why)
            }
            try job.update(db)
            if job.state.isFinished {
                try self.finished(db, job, title)
            }
        }
    }

    /// Runs cut short by a crash, kill or stop: queued again or marked interrupted by their kind.
    package func recoverInterrupted() async throws -> [Job] {
        let kinds = kinds.withLock { $0 }
        return try await database.write { db in
            var recovered: [Job] = []
            for var job in try Job.filter(Job.CodingKeys.state == Job.State.running).fetchAll(db) {
                let retry = kinds[job.type]?.onInterrupt == .retry && job.attempts < job.maxAttempts
                job.state = retry ? .queued : .interrupted
                job.message = retry ? "Interrupted by a restart; queued again" : "Interrupted by a restart"
                job.finishedAt = retry ? nil : Date()
                try job.update(db)
                try JobLogLine.append(db, job: job.id ?? 0, [(Date(), job.message)])
                recovered.append(job)
            }
            return recovered
        }
    }

    // MARK: Reading and cancelling

    /// The job with its live progress if it is running here.
    package func job(id: Int64) async throws -> Job? {
        guard var job = try await database.read({ try Job.fetchOne($0, key: id) }) else { return nil }
        if job.state == .running, let execution = running.withLock({ $0[id] }) {
            (job.progress, job.message) = execution.snapshot
        }
        return job
    }

    package func log(of id: Int64) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT line FROM job_logs WHERE job_id = ? ORDER BY id", arguments: [id])
        }
    }

    /// Newest first; `userID` limits the list to that user's jobs.
    package func list(userID: Int64?, types: [String], state: Job.State?, before: Int64?, limit: Int) async throws
        -> [Job]
    {
        let jobs = try await database.read { db in
            var request = Job.order(Job.CodingKeys.id.desc).limit(limit).filter(types.contains(Job.CodingKeys.type))
            if let userID { request = request.filter(Job.CodingKeys.userId == userID) }
            if let state { request = request.filter(Job.CodingKeys.state == state) }
            if let before { request = request.filter(Job.CodingKeys.id < before) }
            return try request.fetchAll(db)
        }
        let live = running.withLock { $0 }
        return jobs.map { job in
            guard job.state == .running, let execution = live[job.id ?? 0] else { return job }
            var job = job
            (job.progress, job.message) = execution.snapshot
            return job
        }
    }

    /// Cancels a queued job at once, or asks a running one to stop at its next checkpoint.
    ///
    /// A running job is told first and the row written after: the job may be holding the writer in
    /// its own transaction, which it gives up only once it has seen the request.
    package func cancel(id: Int64, context: EventContext) async throws -> Job {
        let told = running.withLock { $0[id] }.map { execution in execution.cancel() } != nil
        return try await database.write(context) { write -> Job in
            guard var job = try Job.fetchOne(write.db, key: id) else { throw APIError.notFound("No such job.") }
            switch job.state {
            case .queued:
                (job.state, job.finishedAt, job.message) = (.cancelled, Date(), "Cancelled before it started")
            case .running:
                job.cancelRequested = true
                job.message = "Cancelling…"
            case .cancelled where told:
                break
            default:
                throw APIError(
                    status: .conflict, code: "conflict", message: "The job has already \(job.state.rawValue).")
            }
            try job.update(write.db)
            try write.log("cancel", entityType: "job", entityID: String(id))
            return job
        }
    }

    /// Deletes finished jobs older than `cutoff`, with their logs and result files.
    package func deleteFinished(before cutoff: Date) async throws -> Int {
        let old = try await database.write { db -> [Job] in
            let old = try Job.filter(Job.CodingKeys.finishedAt != nil && Job.CodingKeys.finishedAt < cutoff)
                .fetchAll(db)
            try Job.deleteAll(db, keys: old.compactMap(\.id))
            return old
        }
        for job in old {
            let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent(
                JobExecution.resultDirectory(of: job.id ?? 0))
            try? FileManager.default.removeItem(at: directory)
        }
        return old.count
    }
}
