import Foundation
import GRDB

/// A recurring job a feature registers in code (its name, job type and default expression); the
/// admin may change the expression or pause it, and the row records its last and next run.
package struct ScheduledTask: Sendable {
    package let name: String
    package let title: String
    package let jobType: String
    package let defaultCron: String

    package init(name: String, title: String, jobType: String, defaultCron: String) {
        self.name = name
        self.title = title
        self.jobType = jobType
        self.defaultCron = defaultCron
    }
}

package struct Schedule: Codable, Sendable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    package static let databaseTableName = "schedules"
    package static let auditEntity = "schedule"

    package var name: String
    package var cron: String
    package var enabled: Bool
    package var nextRunAt: Date
    package var lastRunAt: Date?
    package var lastJobId: Int64?
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case name, cron, enabled
        case nextRunAt = "next_run_at"
        case lastRunAt = "last_run_at"
        case lastJobId = "last_job_id"
        case updatedAt = "updated_at"
    }

    package var auditID: String { name }
}

/// A schedule as the API shows it, with its last run's outcome.
package struct ScheduleResource: Encodable, Sendable {
    package let name: String
    package let title: String
    package let jobType: String
    package let cron: String
    package let enabled: Bool
    package let nextRunAt: Date?
    package let lastRunAt: Date?
    package let lastJobId: Int64?
    package let lastResult: Job.State?

    package enum CodingKeys: String, CodingKey {
        case name, title, cron, enabled
        case jobType = "job_type"
        case nextRunAt = "next_run_at"
        case lastRunAt = "last_run_at"
        case lastJobId = "last_job_id"
        case lastResult = "last_result"
    }
}
