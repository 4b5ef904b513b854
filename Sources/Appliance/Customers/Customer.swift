import Foundation
import GRDB
import Hummingbird

/// Who pays: a clinic, breeder, farm or owner, as an organisation or a person.
struct Customer: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, SoftDeletable, RowIDRecord,
    ResponseEncodable
{
    static let databaseTableName = "customers"
    static let auditEntity = "customer"

    enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case organisation, person
    }

    var id: Int64?
    var kind: Kind
    var name: String
    var contactName = ""
    var email = ""
    var phone = ""
    var address = ""
    var postcode = ""
    var city = ""
    var country = ""
    var vatId = ""
    var billingEmail = ""
    var notes = ""
    var createdAt: Date
    var updatedAt: Date
    /// Set when deleted: the customer leaves every list but keeps its record and history.
    var deletedAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, email, phone, address, postcode, city, country, notes
        case contactName = "contact_name"
        case vatId = "vat_id"
        case billingEmail = "billing_email"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
