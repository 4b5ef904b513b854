import Attachments
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// Who pays: a clinic, breeder, farm or owner, as an organisation or a person.
package struct Customer: Codable, Sendable, Identifiable, FetchableRecord, SoftDeletable,
    RowIDRecord,
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
    /// How verified results reach the customer; empty follows `results.delivery`.
    package var resultsDelivery = ""
    package var createdAt: Date
    package var updatedAt: Date
    /// Set when deleted: the customer leaves every list but keeps its record and history.
    package var deletedAt: Date?
    /// Set by the retention job when the customer has been inactive for `privacy.retention_years`.
    package var retentionFlaggedAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, email, phone, address, postcode, city, country, notes
        case contactName = "contact_name"
        case vatId = "vat_id"
        case billingEmail = "billing_email"
        case resultsDelivery = "results_delivery"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
        case retentionFlaggedAt = "retention_flagged_at"
    }

    package init(
        id: Int64? = nil, kind: Kind, name: String, contactName: String = "", email: String = "", phone: String = "",
        address: String = "", postcode: String = "", city: String = "", country: String = "", vatId: String = "",
        billingEmail: String = "", notes: String = "", resultsDelivery: String = "", createdAt: Date, updatedAt: Date,
        deletedAt: Date? = nil, retentionFlaggedAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.contactName = contactName
        self.email = email
        self.phone = phone
        self.address = address
        self.postcode = postcode
        self.city = city
        self.country = country
        self.vatId = vatId
        self.billingEmail = billingEmail
        self.notes = notes
        self.resultsDelivery = resultsDelivery
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.retentionFlaggedAt = retentionFlaggedAt
    }

    /// Who the customer is and how to reach them: the audit trail holds these as tokens, so that
    /// erasing the customer leaves the chain intact (decision 0041). A company's name is kept
    /// beside the chain too: a sole trader's business name is often the person's.
    package static let personalFields: PersonalFields? = .customer(
        [
            "name", "contact_name", "email", "phone", "address", "postcode", "city", "vat_id", "billing_email",
            "notes",
        ], idColumn: "id")
}

extension Customer {
    /// The customer's own way of receiving verified results, or `fallback` (the lab's setting).
    package func delivery(fallback: ReportDelivery) -> ReportDelivery {
        ReportDelivery(rawValue: resultsDelivery) ?? fallback
    }

    /// Files on a customer: contracts, consent forms, import permits.
    package static let attachable = AttachableRecord(
        Customer.self, noun: "customer", read: .customersRead, write: .customersWrite, page: "/customers",
        lookup: "/api/v1/customers/lookup")
}
