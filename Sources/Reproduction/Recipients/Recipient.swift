import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// A female enrolled as an embryo recipient: her synchronisation protocol and the day of her
/// oestrus (day 0), from which her cycle day on any date follows; once used, the transfer.
package struct Recipient: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "recipients"
    package static let auditEntity = "recipient"

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case available, skipped, used, retired

        /// An open enrolment: the one her next transfer or check belongs to.
        package var isOpen: Bool { self == .available || self == .skipped }
    }

    package var id: Int64?
    package var animalId: Int64
    package var `protocol`: String
    package var oestrusOn: String?
    package var status = Status.available
    package var transferId: Int64?
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, `protocol`, status, notes
        case animalId = "animal_id"
        case oestrusOn = "oestrus_on"
        case transferId = "transfer_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Days since her oestrus on `day` (day 0 is the heat); nil while the heat is unknown.
    package func cycleDay(on day: String) -> Int? {
        oestrusOn.flatMap { Day.between($0, day) }
    }

    /// Protocols offered in the form (free text is allowed too).
    package static let protocols = [
        "natural heat", "CIDR + GnRH + PGF (7-day Co-Synch)", "Ovsynch", "double PGF", "PRID + eCG + PGF",
    ]

    package init(animalId: Int64, protocol: String, createdAt: Date) {
        self.animalId = animalId
        self.protocol = `protocol`
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// The check of a recipient at the chute on one day: her corpus luteum and whether she is used.
package struct RecipientCheck: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "recipient_checks"
    package static let auditEntity = "recipient_check"

    /// Why a recipient was skipped.
    package enum SkipReason: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case none = ""
        case noCL = "no_cl"
        case poorCL = "poor_cl"
        case outOfSynchrony = "out_of_synchrony"
        case cysticOvary = "cystic_ovary"
        case uterineProblem = "uterine_problem"
        case health, other

        package var label: String {
            switch self {
            case .none: ""
            case .noCL: "no corpus luteum"
            case .poorCL: "poor corpus luteum"
            case .outOfSynchrony: "out of synchrony"
            case .cysticOvary: "cystic ovary"
            case .uterineProblem: "uterine problem"
            case .health: "health"
            case .other: "other"
            }
        }
    }

    package var id: Int64?
    package var recipientId: Int64
    package var checkedOn: String
    package var clPresent: Bool
    package var clSide = ""
    package var clScore: Int?
    package var suitable: Bool
    package var skipReason = SkipReason.none
    package var skipNote = ""
    package var checkedBy: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, suitable
        case recipientId = "recipient_id"
        case checkedOn = "checked_on"
        case clPresent = "cl_present"
        case clSide = "cl_side"
        case clScore = "cl_score"
        case skipReason = "skip_reason"
        case skipNote = "skip_note"
        case checkedBy = "checked_by"
        case createdAt = "created_at"
    }

    /// "CL left, score 1" or why she was skipped, for lists and the transfer form.
    package var summary: String {
        guard clPresent else { return "no CL" + (suitable ? "" : " · skipped") }
        let cl = ["CL", clSide, clScore.map { "score \($0)" } ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        guard !suitable else { return cl }
        return cl + " · skipped: " + ([skipReason.label, skipNote].filter { !$0.isEmpty }.joined(separator: ", "))
    }
}
