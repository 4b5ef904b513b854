import Foundation
import GRDB
import Hummingbird

/// One run of background work: a backup, an export, a scheduled cleanup.
package struct Job: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "jobs"

    package enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case queued, running, succeeded, failed, cancelled, interrupted

        package var isFinished: Bool { ![.queued, .running].contains(self) }
    }

    package var id: Int64?
    package var type: String
    package var parameters: String
    package var state: State
    package var progress: Int
    package var message: String
    package var result: String?
    package var resultFile: String?
    package var error: String?
    package var attempts: Int
    package var maxAttempts: Int
    package var runAfter: Date
    package var cancelRequested: Bool
    package var userId: Int64?
    package var startedBy: String
    package var schedule: String?
    package var createdAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
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

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Who the job acts for in the audit trail: the user who started it, or LabBox itself.
    package var eventContext: EventContext {
        EventContext(
            clientIP: "", requestID: "job-\(id ?? 0)", actorType: userId == nil ? .system : .user, actorID: userId,
            actorName: startedBy)
    }

    /// Admins see every job; others the jobs they started.
    package func isVisible(to principal: Principal) -> Bool {
        principal.can(.admin) || (userId != nil && userId == principal.userID)
    }

    package func decodedParameters<P: Decodable>(_ type: P.Type) throws -> P {
        try JSONDecoder().decode(P.self, from: Data(parameters.utf8))
    }
}

package struct JobLogLine: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "job_logs"
    package var id: Int64?
    package var jobId: Int64
    package var loggedAt: Date
    package var line: String

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, line
        case jobId = "job_id"
        case loggedAt = "logged_at"
    }

    package static func append(_ db: Database, job id: Int64, _ lines: [(Date, String)]) throws {
        for (at, line) in lines {
            var entry = JobLogLine(jobId: id, loggedAt: at, line: line)
            try entry.insert(db)
        }
    }
}

/// A job as the API shows it.
package struct JobResource: ResponseEncodable, Sendable {
    package let id: Int64
    package let type: String
    package let title: String
    package let state: Job.State
    package let progress: Int
    package let message: String
    package let result: [String: String]?
    package let resultURL: String?
    package let error: String?
    package let attempts: Int
    package let maxAttempts: Int
    package let cancelRequested: Bool
    package let startedBy: String
    package let schedule: String?
    package let createdAt: Date
    package let startedAt: Date?
    package let finishedAt: Date?
    package let log: [String]?

    package init(_ job: Job, title: String, log: [String]? = nil) {
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

    package enum CodingKeys: String, CodingKey {
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
