import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// What a step of a superovulation is: an FSH dose, prostaglandin, an insemination, the flush.
package enum SuperovulationStepKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case fsh, pgf, insemination, flush, other

    package var label: String {
        switch self {
        case .fsh: "FSH"
        case .pgf: "PGF2α"
        case .insemination: "Insemination"
        case .flush: "Flush"
        case .other: "Other"
        }
    }
}

/// One timed step of a protocol: `day` days after the start, at `time` (HH:MM on the lab's clock).
package struct ProtocolStep: Codable, Sendable, Equatable {
    package var day: Int
    package var time: String
    package var kind: SuperovulationStepKind
    /// A dose (FSH), with its unit; nil where the step has none.
    package var amount: Double?
    package var unit: String
    package var note: String

    package init(day: Int, time: String, kind: SuperovulationStepKind, amount: Double?, unit: String, note: String) {
        (self.day, self.time, self.kind, self.amount, self.unit, self.note) = (day, time, kind, amount, unit, note)
    }
}

/// A clinic's superovulation protocol: a template of timed steps applied to donors. Archived, not
/// deleted, so the superovulations made from it keep pointing at it.
package struct SuperovulationProtocol: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "superovulation_protocols"
    package static let auditEntity = "superovulation_protocol"

    package var id: Int64?
    package var name: String
    package var species: String
    package var notes = ""
    /// Stored as a JSON array: the whole template is one row, so its audit event shows every
    /// step before and after a change.
    package var steps: [ProtocolStep]
    package var archivedAt: Date?
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, species, notes, steps
        case archivedAt = "archived_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package init(name: String, species: String, steps: [ProtocolStep], createdAt: Date) {
        self.name = name
        self.species = species
        self.steps = steps
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// A protocol applied to a donor from a start day; its steps are dated rows of its own.
package struct Superovulation: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "superovulations"
    package static let auditEntity = "superovulation"

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case active, flushed, cancelled
    }

    package var id: Int64?
    package var code: String
    package var donorId: Int64
    package var protocolId: Int64
    package var protocolName: String
    package var startedOn: String
    package var status = Status.active
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, status, notes
        case donorId = "donor_id"
        case protocolId = "protocol_id"
        case protocolName = "protocol_name"
        case startedOn = "started_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One dated step of a donor's schedule, and who did it when.
package struct SuperovulationStep: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "superovulation_steps"
    package static let auditEntity = "superovulation_step"

    package var id: Int64?
    package var superovulationId: Int64
    package var dueOn: String
    package var dueTime: String
    package var kind: SuperovulationStepKind
    package var amount: Double?
    package var unit: String
    package var note: String
    package var doneAt: Date?
    package var doneBy: String?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, amount, unit, note
        case superovulationId = "superovulation_id"
        case dueOn = "due_on"
        case dueTime = "due_time"
        case doneAt = "done_at"
        case doneBy = "done_by"
    }

    /// "FSH 4 ml", "PGF2α 2 ml", "Insemination".
    package var what: String {
        [kind.label, amount.map { Dose.text($0) }, unit.isEmpty || amount == nil ? nil : unit]
            .compactMap { $0 }.joined(separator: " ")
    }
}

/// A dose as written on a worklist: at most two decimals, none for a whole number.
package enum Dose {
    package static func text(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
