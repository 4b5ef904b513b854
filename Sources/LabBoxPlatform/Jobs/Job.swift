import Foundation
import GRDB

/// One run of background work: a backup, an export, a scheduled cleanup.
package struct Job: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord {
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

    /// Who the job acts for in the audit trail: the user who started it, or LabBox itself.
    package var eventContext: EventContext {
        EventContext(
            clientIP: "", requestID: "job-\(id ?? 0)", actorType: userId == nil ? .system : .user, actorID: userId,
            actorName: startedBy)
    }

    package func decodedParameters<P: Decodable>(_ type: P.Type) throws -> P {
        try JSONDecoder().decode(P.self, from: Data(parameters.utf8))
    }

    package init(
        id: Int64? = nil, type: String, parameters: String, state: State, progress: Int, message: String,
        result: String? = nil, resultFile: String? = nil, error: String? = nil, attempts: Int, maxAttempts: Int,
        runAfter: Date, cancelRequested: Bool, userId: Int64? = nil, startedBy: String, schedule: String? = nil,
        createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil
    ) {
        self.id = id
        self.type = type
        self.parameters = parameters
        self.state = state
        self.progress = progress
        self.message = message
        self.result = result
        self.resultFile = resultFile
        self.error = error
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.runAfter = runAfter
        self.cancelRequested = cancelRequested
        self.userId = userId
        self.startedBy = startedBy
        self.schedule = schedule
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
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
