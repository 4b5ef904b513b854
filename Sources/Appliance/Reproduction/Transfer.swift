import Foundation
import GRDB
import Hummingbird

/// Embryos placed in a recipient on one day, witnessed; later the calving or foaling outcome.
struct Transfer: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "transfers"
    static let auditEntity = "transfer"

    enum Outcome: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case unknown = ""
        case bornAlive = "born_alive"
        case stillborn
    }

    var id: Int64?
    var recipientId: Int64
    var transferredOn: String
    var technician: String
    var clSide = ""
    var clQuality = ""
    var notes = ""
    var outcome = Outcome.unknown
    var outcomeOn: String?
    var offspringSex = ""
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, technician, notes, outcome
        case recipientId = "recipient_id"
        case transferredOn = "transferred_on"
        case clSide = "cl_side"
        case clQuality = "cl_quality"
        case outcomeOn = "outcome_on"
        case offspringSex = "offspring_sex"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A pregnancy diagnosis of a transfer's recipient.
struct PregnancyCheck: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "pregnancy_checks"
    static let auditEntity = "pregnancy_check"

    enum Method: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case ultrasound, palpation
        case bloodTest = "blood_test"
    }

    enum Result: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case pregnant, open, lost
    }

    var id: Int64?
    var transferId: Int64
    var checkedOn: String
    var method: Method
    var result: Result
    var fetalSex = ""
    var checkedBy: String
    var notes = ""
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, method, result, notes
        case transferId = "transfer_id"
        case checkedOn = "checked_on"
        case fetalSex = "fetal_sex"
        case checkedBy = "checked_by"
        case createdAt = "created_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
