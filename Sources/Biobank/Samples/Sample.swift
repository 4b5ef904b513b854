import Attachments
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A biological sample: the record of `../shared/contracts/samples-api.md`.
package struct Sample: Codable, Sendable, Identifiable, FetchableRecord, AuditedRecord,
    RowIDRecord
{
    package static let databaseTableName = "samples"
    package static let auditEntity = "sample"
    package static let searchIndex: SearchIndex? = SearchIndex(
        table: databaseTableName, index: "samples_fts", trigger: "samples_fts_insert",
        columns: ["external_id", "notes"], backlog: "samples_fts_backlog")

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case received
        case inProcess = "in_process"
        case stored, shipped, used, discarded

        /// The lifecycle: received → in process → stored → shipped / used / discarded. A stored
        /// sample may go back into processing (thawed, split); the last three are final.
        package var next: [Status] {
            switch self {
            case .received: [.inProcess, .stored, .discarded]
            case .inProcess: [.stored, .used, .discarded]
            case .stored: [.inProcess, .shipped, .used, .discarded]
            case .shipped, .used, .discarded: []
            }
        }

        package var label: String { rawValue.replacingOccurrences(of: "_", with: " ").capitalized }
    }

    package var id: Int64?
    package var externalId: String
    package var species: String
    package var kind: String
    package var status: Status
    package var animalId: Int64?
    package var collectedAt: Date
    package var notes: String
    /// Where the item sits: a holding container (goblet, cane, box) and a position in it.
    package var containerId: Int64? = nil
    package var position: Int? = nil
    package var collectedBy = ""
    /// How much there is, in `unit` (mL, µL, straws, …).
    package var quantity: Double? = nil
    package var unit = ""
    /// Insemination doses, for semen.
    package var doses: Int? = nil
    package var freezeThawCount = 0
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, species, kind, status, notes, position, quantity, unit, doses
        case externalId = "external_id"
        case animalId = "animal_id"
        case collectedAt = "collected_at"
        case containerId = "container_id"
        case collectedBy = "collected_by"
        case freezeThawCount = "freeze_thaw_count"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Every field for the API, unset ones as `null` (the contract shows `animal_id: null`), dates
    /// as RFC 3339 text.
    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(externalId, forKey: .externalId)
        try container.encode(species, forKey: .species)
        try container.encode(kind, forKey: .kind)
        try container.encode(status, forKey: .status)
        try container.encode(animalId, forKey: .animalId)
        try container.encode(collectedAt.rfc3339Text, forKey: .collectedAt)
        try container.encode(notes, forKey: .notes)
        try container.encode(containerId, forKey: .containerId)
        try container.encode(position, forKey: .position)
        try container.encode(collectedBy, forKey: .collectedBy)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(unit, forKey: .unit)
        try container.encode(doses, forKey: .doses)
        try container.encode(freezeThawCount, forKey: .freezeThawCount)
        try container.encode(createdAt.rfc3339Text, forKey: .createdAt)
        try container.encode(updatedAt.rfc3339Text, forKey: .updatedAt)
    }

    /// The row, written column by column: `Codable`, GRDB's date formatter and its persistence
    /// container were most of the cost of a sample insert, and imports and the demo data write
    /// samples by the hundred thousand.
    package var columnValues: [String: DatabaseValue] {
        var values = [String: DatabaseValue](minimumCapacity: 17)
        values[CodingKeys.id.rawValue] = id.databaseValue
        values[CodingKeys.externalId.rawValue] = externalId.databaseValue
        values[CodingKeys.species.rawValue] = species.databaseValue
        values[CodingKeys.kind.rawValue] = kind.databaseValue
        values[CodingKeys.status.rawValue] = status.databaseValue
        values[CodingKeys.animalId.rawValue] = animalId.databaseValue
        values[CodingKeys.collectedAt.rawValue] = collectedAt.databaseText.databaseValue
        values[CodingKeys.notes.rawValue] = notes.databaseValue
        values[CodingKeys.containerId.rawValue] = containerId.databaseValue
        values[CodingKeys.position.rawValue] = position.databaseValue
        values[CodingKeys.collectedBy.rawValue] = collectedBy.databaseValue
        values[CodingKeys.quantity.rawValue] = quantity.databaseValue
        values[CodingKeys.unit.rawValue] = unit.databaseValue
        values[CodingKeys.doses.rawValue] = doses.databaseValue
        values[CodingKeys.freezeThawCount.rawValue] = freezeThawCount.databaseValue
        values[CodingKeys.createdAt.rawValue] = createdAt.databaseText.databaseValue
        values[CodingKeys.updatedAt.rawValue] = updatedAt.databaseText.databaseValue
        return values
    }

    package func encode(to container: inout PersistenceContainer) {
        for (column, value) in columnValues { container[column] = value }
    }

    package init(
        id: Int64? = nil, externalId: String, species: String, kind: String, status: Status, animalId: Int64? = nil,
        collectedAt: Date, notes: String, containerId: Int64? = nil, position: Int? = nil, collectedBy: String = "",
        quantity: Double? = nil, unit: String = "", doses: Int? = nil, freezeThawCount: Int = 0, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.externalId = externalId
        self.species = species
        self.kind = kind
        self.status = status
        self.animalId = animalId
        self.collectedAt = collectedAt
        self.notes = notes
        self.containerId = containerId
        self.position = position
        self.collectedBy = collectedBy
        self.quantity = quantity
        self.unit = unit
        self.doses = doses
        self.freezeThawCount = freezeThawCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Sample {
    /// The columns a sample is read from, in the order ``init(row:)`` reads them (the table's).
    package static let columns: [CodingKeys] = [
        .id, .externalId, .species, .kind, .status, .animalId, .collectedAt, .notes, .createdAt, .updatedAt,
        .containerId, .position, .collectedBy, .quantity, .unit, .doses, .freezeThawCount,
    ]

    /// What every query of samples selects, so that ``init(row:)`` may read columns by position.
    package static var databaseSelection: [any SQLSelectable] { columns }

    /// ``columns`` for SQL written by hand, each qualified by `table` (a name or an alias).
    package static func selection(of table: String) -> String {
        columns.map { "\(table).\($0.rawValue)" }.joined(separator: ", ")
    }

    /// The row as read, column by column and by position: lists decode fifty at a time, `Codable`
    /// decoding was the larger part of a page's cost, and then GRDB's lookup of each column by
    /// name (a lowercased copy of the name and a dictionary lookup) and its date conversion were.
    package init(row: Row) throws {
        id = row[0]
        externalId = row[1]
        species = row[2]
        kind = row[3]
        // Through `String`, which GRDB reads straight from the column; an enum is read through a
        // `DatabaseValue` and generic code that looks type metadata up on every row.
        guard let status = Status(rawValue: row[4]) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "Unknown sample status \(row[4] as String)")
        }
        self.status = status
        animalId = row[5]
        collectedAt = row.date(atIndex: 6)
        notes = row[7]
        createdAt = row.date(atIndex: 8)
        updatedAt = row.date(atIndex: 9)
        containerId = row[10]
        position = row[11]
        collectedBy = row[12]
        quantity = row[13]
        unit = row[14]
        doses = row[15]
        freezeThawCount = row[16]
    }
}

extension Sample {
    /// Files on a sample: health certificates, shipping papers, images.
    package static let attachable = AttachableRecord(
        Sample.self, noun: "sample", read: .samplesRead, write: .samplesWrite, page: "/samples",
        lookup: "/api/v1/samples/lookup")
}
