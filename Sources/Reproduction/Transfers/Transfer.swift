import Attachments
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// Embryos placed in a recipient on one day, witnessed; later the calving or foaling outcome.
package struct Transfer: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "transfers"
    package static let auditEntity = "transfer"

    package enum Outcome: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case unknown = ""
        case bornAlive = "born_alive"
        case stillborn
    }

    package var id: Int64?
    package var recipientId: Int64
    package var transferredOn: String
    package var technician: String
    package var clSide = ""
    package var clQuality = ""
    package var notes = ""
    package var outcome = Outcome.unknown
    package var outcomeOn: String?
    package var offspringSex = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
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
}

/// A pregnancy diagnosis of a transfer's recipient.
package struct PregnancyCheck: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord,
    AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "pregnancy_checks"
    package static let auditEntity = "pregnancy_check"

    package enum Method: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case ultrasound, palpation
        case bloodTest = "blood_test"
    }

    package enum Result: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case pregnant, open, lost
    }

    package var id: Int64?
    package var transferId: Int64
    package var checkedOn: String
    package var method: Method
    package var result: Result
    package var fetalSex = ""
    package var checkedBy: String
    package var notes = ""
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, method, result, notes
        case transferId = "transfer_id"
        case checkedOn = "checked_on"
        case fetalSex = "fetal_sex"
        case checkedBy = "checked_by"
        case createdAt = "created_at"
    }
}

extension Transfer {
    /// Files on an embryo transfer: the recipient's ultrasound images, the transfer certificate.
    package static let attachable = AttachableRecord(
        Transfer.self, noun: "transfer", read: .reproductionRead, write: .reproductionWrite,
        page: "/reproduction/transfers", lookup: "/api/v1/transfers/lookup")
}
