import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// A comment on a record or a task, by a person (or a key's owner), with @mentions. Comments are
/// appended, never edited or deleted (the table's triggers refuse both): a comment is answered.
package struct Comment: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "comments"
    package static let auditEntity = "comment"
    /// What is written on a customer may be about the person (decision 0041).
    package static let personalFields: PersonalFields? = .onCustomerRecord(["body"])

    package var id: Int64?
    package var entityType: String
    package var entityId: Int64
    package var body: String
    package var author: String
    package var authorId: Int64?
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, body, author
        case entityType = "entity_type"
        case entityId = "entity_id"
        case authorId = "author_id"
        case createdAt = "created_at"
    }

    package static let maxBody = 4000
}
