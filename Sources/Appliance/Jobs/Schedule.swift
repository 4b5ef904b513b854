import Foundation
import GRDB
import Hummingbird

/// A recurring job a feature registers in code (its name, job type and default expression); the
/// admin may change the expression or pause it, and the row records its last and next run.
struct ScheduledTask: Sendable {
    let name: String
    let title: String
    let jobType: String
    let defaultCron: String
}

struct Schedule: Codable, Sendable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "schedules"
    static let auditEntity = "schedule"

    var name: String
    var cron: String
    var enabled: Bool
    var nextRunAt: Date
    var lastRunAt: Date?
    var lastJobId: Int64?
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case name, cron, enabled
        case nextRunAt = "next_run_at"
        case lastRunAt = "last_run_at"
        case lastJobId = "last_job_id"
        case updatedAt = "updated_at"
    }

    var auditID: String { name }
}

/// A schedule as the API shows it, with its last run's outcome.
struct ScheduleResource: ResponseEncodable, Sendable {
    let name: String
    let title: String
    let jobType: String
    let cron: String
    let enabled: Bool
    let nextRunAt: Date?
    let lastRunAt: Date?
    let lastJobId: Int64?
    let lastResult: Job.State?

    enum CodingKeys: String, CodingKey {
        case name, title, cron, enabled
        case jobType = "job_type"
        case nextRunAt = "next_run_at"
        case lastRunAt = "last_run_at"
        case lastJobId = "last_job_id"
        case lastResult = "last_result"
    }
}
