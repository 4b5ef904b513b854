import Attachments
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Work assigned to a person: what, by when (the lab's calendar day), how urgent, how far along,
/// and the record it is about, named as the audit trail names it (decision 0034). Named `LabTask`
/// beside Swift's own `Task`.
package struct LabTask: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "tasks"
    package static let auditEntity = "task"

    package enum Priority: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case low, normal, high, urgent
    }

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case open
        case inProgress = "in_progress"
        case done, cancelled

        /// Still to be done: reminded, and on the assignee's list.
        package var isOpen: Bool { self == .open || self == .inProgress }

        package var label: String {
            switch self {
            case .open: "Open"
            case .inProgress: "In progress"
            case .done: "Done"
            case .cancelled: "Cancelled"
            }
        }
    }

    package var id: Int64?
    package var title: String
    package var description = ""
    package var assigneeId: Int64?
    /// `YYYY-MM-DD`, the lab's day (`lab.timezone`).
    package var dueOn: String?
    package var priority = Priority.normal
    package var status = Status.open
    package var entityType: String?
    package var entityId: Int64?
    package var createdBy: String
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, title, description, priority, status
        case assigneeId = "assignee_id"
        case dueOn = "due_on"
        case entityType = "entity_type"
        case entityId = "entity_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package static var notFound: APIError { .notFound("No such task.") }

    /// Tasks take comments, files and notes like any record.
    package static let attachable = AttachableRecord(
        LabTask.self, noun: "task", read: .tasksRead, write: .tasksWrite, page: "/tasks",
        lookup: nil)
}
