import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// Who pays: a clinic, breeder, farm or owner, as an organisation or a person.
package struct Customer: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, SoftDeletable, RowIDRecord,
    ResponseEncodable
{
    package static let databaseTableName = "customers"
    package static let auditEntity = "customer"

    package enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case organisation, person
    }

    package var id: Int64?
    package var kind: Kind
    package var name: String
    package var contactName = ""
    package var email = ""
    package var phone = ""
    package var address = ""
    package var postcode = ""
    package var city = ""
    package var country = ""
    package var vatId = ""
    package var billingEmail = ""
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date
    /// Set when deleted: the customer leaves every list but keeps its record and history.
    package var deletedAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, email, phone, address, postcode, city, country, notes
        case contactName = "contact_name"
        case vatId = "vat_id"
        case billingEmail = "billing_email"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
    }

    package var auditID: String { String(id ?? 0) }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
