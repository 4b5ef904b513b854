import Foundation
import GRDB
import Hummingbird

/// One run of background work: a backup, an export, a scheduled cleanup.
struct Job: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "jobs"

    enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case queued, running, succeeded, failed, cancelled, interrupted

        var isFinished: Bool { ![.queued, .running].contains(self) }
    }

    var id: Int64?
    var type: String
    var parameters: String
    var state: State
    var progress: Int
    var message: String
    var result: String?
    var resultFile: String?
    var error: String?
    var attempts: Int
    var maxAttempts: Int
    var runAfter: Date
    var cancelRequested: Bool
    var userId: Int64?
    var startedBy: String
    var schedule: String?
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, type, parameters, state, progress, message, result, error, attempts, schedule
        case resultFile = "result_file"
        case maxAttempts = "max_attempts"
        case runAfter = "run_after"
        case cancelRequested = "cancel_requested"
        case userId = "user_id"
        case startedBy = "started_by"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Who the job acts for in the audit trail: the user who started it, or LabBox itself.
    var eventContext: EventContext {
        EventContext(
            clientIP: "", requestID: "job-\(id ?? 0)", actorType: userId == nil ? .system : .user, actorID: userId,
            actorName: startedBy)
    }

    /// Admins see every job; others the jobs they started.
    func isVisible(to principal: Principal) -> Bool {
        principal.can(.admin) || (userId != nil && userId == principal.userID)
    }

    func decodedParameters<P: Decodable>(_ type: P.Type) throws -> P {
        try JSONDecoder().decode(P.self, from: Data(parameters.utf8))
    }
}

struct JobLogLine: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "job_logs"
    var id: Int64?
    var jobId: Int64
    var loggedAt: Date
    var line: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, line
        case jobId = "job_id"
        case loggedAt = "logged_at"
    }

    static func append(_ db: Database, job id: Int64, _ lines: [(Date, String)]) throws {
        for (at, line) in lines {
            var entry = JobLogLine(jobId: id, loggedAt: at, line: line)
            try entry.insert(db)
        }
    }
}

/// A job as the API shows it.
struct JobResource: ResponseEncodable, Sendable {
    let id: Int64
    let type: String
    let title: String
    let state: Job.State
    let progress: Int
    let message: String
    let result: [String: String]?
    let resultURL: String?
    let error: String?
    let attempts: Int
    let maxAttempts: Int
    let cancelRequested: Bool
    let startedBy: String
    let schedule: String?
    let createdAt: Date
    let startedAt: Date?
    let finishedAt: Date?
    let log: [String]?

    init(_ job: Job, title: String, log: [String]? = nil) {
        let id = job.id ?? 0
        (self.id, type, self.title, state, progress, message) =
            (id, job.type, title, job.state, job.progress, job.message)
        result = job.result.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        resultURL = job.resultFile == nil ? nil : "/api/v1/jobs/\(id)/result"
        (error, attempts, maxAttempts, cancelRequested) = (
            job.error, job.attempts, job.maxAttempts, job.cancelRequested
        )
        (startedBy, schedule) = (job.startedBy, job.schedule)
        (createdAt, startedAt, finishedAt) = (job.createdAt, job.startedAt, job.finishedAt)
        self.log = log
    }

    enum CodingKeys: String, CodingKey {
        case id, type, title, state, progress, message, result, error, attempts, schedule, log
        case resultURL = "result_url"
        case maxAttempts = "max_attempts"
        case cancelRequested = "cancel_requested"
        case startedBy = "started_by"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
