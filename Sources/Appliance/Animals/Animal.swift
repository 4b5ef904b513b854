import Foundation
import GRDB
import Hummingbird

/// An animal: donor, sire, recipient or offspring, with its owner and parents.
struct Animal: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, SoftDeletable, RowIDRecord,
    ResponseEncodable
{
    static let databaseTableName = "animals"
    static let auditEntity = "animal"

    enum Sex: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible { case female, male, unknown }
    enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible { case active, sold, deceased }

    var id: Int64?
    var species: String
    var name: String
    var sex: Sex
    var breed: String
    /// `YYYY-MM-DD`; animals often have only a day, never a time.
    var birthDate: String?
    var notes: String
    var ownerId: Int64?
    var status: Status
    var sireId: Int64?
    var damId: Int64?
    var createdAt: Date
    var updatedAt: Date
    var deletedAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, species, name, sex, breed, notes, status
        case birthDate = "birth_date"
        case ownerId = "owner_id"
        case sireId = "sire_id"
        case damId = "dam_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A registration number, microchip or ear tag; unique per species and type.
struct AnimalIdentifier: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "animal_identifiers"

    enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case registration, microchip
        case earTag = "ear_tag"
    }

    var id: Int64?
    var animalId: Int64
    var species: String
    var type: Kind
    var value: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, species, type, value
        case animalId = "animal_id"
    }
}
