import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// An entry in a record's journal: an observation on a day, by a person, appended and never
/// overwritten (the table's triggers refuse updates and deletes). A mistaken note is corrected by
/// a later note that names it (`corrects_id`); both stay, as a paper journal keeps a struck line.
package struct JournalNote: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "journal_notes"
    package static let auditEntity = "journal_note"
    /// What is written on a customer may be about the person (decision 0041).
    package static let personalFields: PersonalFields? = .onCustomerRecord(["body"])

    package var id: Int64?
    package var entityType: String
    package var entityId: Int64
    /// `YYYY-MM-DD`: the day observed, which may be before the day written.
    package var observedOn: String
    package var body: String
    package var correctsId: Int64?
    package var author: String
    package var authorId: Int64?
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, body, author
        case entityType = "entity_type"
        case entityId = "entity_id"
        case observedOn = "observed_on"
        case correctsId = "corrects_id"
        case authorId = "author_id"
        case createdAt = "created_at"
    }

    package static let maxBody = 10_000
}
