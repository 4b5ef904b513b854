import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// A field an admin added to a record type (decision 0043): its key in the API, its label on
/// forms, its kind and the rules its values keep.
package struct CustomField: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "custom_fields"
    package static let auditEntity = "custom_field"

    /// The record types that carry custom fields; `species` is for those that have one.
    package enum Entity: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case animal, customer, sample

        package var hasSpecies: Bool { self != .customer }
    }

    package enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case text, number, date, choice
    }

    package var id: Int64?
    package var entityType: Entity
    package var species: String?
    package var key: String
    package var label: String
    package var kind: Kind
    package var unit = ""
    /// One option per line.
    package var choices = ""
    package var required = false
    package var minimum: Double?
    package var maximum: Double?
    package var maxLength = 200
    package var position = 0
    package var archived = false
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, species, key, label, kind, unit, choices, required, minimum, maximum, position, archived
        case entityType = "entity_type"
        case maxLength = "max_length"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var options: [String] { choices.split(separator: "\n").map(String.init) }

    /// Whether the field belongs on a record of `species` (nil: a record without one).
    package func applies(to species: String?) -> Bool { self.species == nil || self.species == species }

    /// The field as the API shows it: the options as a list.
    package struct View: ResponseEncodable, Sendable {
        package let id: Int64
        package let entityType: Entity
        package let species: String?
        package let key: String
        package let label: String
        package let kind: Kind
        package let unit: String
        package let choices: [String]
        package let required: Bool
        package let minimum: Double?
        package let maximum: Double?
        package let maxLength: Int
        package let position: Int
        package let archived: Bool
        package let createdAt: Date
        package let updatedAt: Date

        package init(_ field: CustomField) {
            (id, entityType, species, key, label, kind) = (
                field.id ?? 0, field.entityType, field.species, field.key, field.label, field.kind
            )
            (unit, choices, required, minimum, maximum) = (
                field.unit, field.options, field.required, field.minimum, field.maximum
            )
            (maxLength, position, archived, createdAt, updatedAt) = (
                field.maxLength, field.position, field.archived, field.createdAt, field.updatedAt
            )
        }

        package enum CodingKeys: String, CodingKey {
            case id, species, key, label, kind, unit, choices, required, minimum, maximum, position, archived
            case entityType = "entity_type"
            case maxLength = "max_length"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

    }
}
