import Attachments
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// An animal: donor, sire, recipient or offspring, with its owner and parents.
package struct Animal: Codable, Sendable, Identifiable, FetchableRecord, SoftDeletable,
    RowIDRecord,
    ResponseEncodable
{
    package static let databaseTableName = "animals"
    package static let auditEntity = "animal"

    package enum Sex: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible { case female, male, unknown }
    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case active, sold, deceased
    }

    package var id: Int64?
    package var species: String
    package var name: String
    package var sex: Sex
    package var breed: String
    /// `YYYY-MM-DD`; animals often have only a day, never a time.
    package var birthDate: String?
    package var notes: String
    package var ownerId: Int64?
    package var status: Status
    package var sireId: Int64?
    package var damId: Int64?
    package var createdAt: Date
    package var updatedAt: Date
    package var deletedAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, species, name, sex, breed, notes, status
        case birthDate = "birth_date"
        case ownerId = "owner_id"
        case sireId = "sire_id"
        case damId = "dam_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
    }

    package init(
        id: Int64? = nil, species: String, name: String, sex: Sex, breed: String, birthDate: String? = nil,
        notes: String, ownerId: Int64? = nil, status: Status, sireId: Int64? = nil, damId: Int64? = nil,
        createdAt: Date, updatedAt: Date, deletedAt: Date? = nil
    ) {
        self.id = id
        self.species = species
        self.name = name
        self.sex = sex
        self.breed = breed
        self.birthDate = birthDate
        self.notes = notes
        self.ownerId = ownerId
        self.status = status
        self.sireId = sireId
        self.damId = damId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }
}

/// A registration number, microchip or ear tag; unique per species and type.
package struct AnimalIdentifier: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "animal_identifiers"

    package enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case registration, microchip
        case earTag = "ear_tag"
    }

    package var id: Int64?
    package var animalId: Int64
    package var species: String
    package var type: Kind
    package var value: String

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, species, type, value
        case animalId = "animal_id"
    }
}

extension Animal {
    /// Files on an animal: ultrasound images, health certificates, registration papers.
    package static let attachable = AttachableRecord(
        Animal.self, noun: "animal", read: .animalsRead, write: .animalsWrite, page: "/animals",
        lookup: "/api/v1/animals/lookup")
}
