import Attachments
import Collaboration
import CustomFields
import LabBoxPlatform
import LabBoxServer

/// `customers.mustache`.
struct CustomersPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let name: String
        let kind: String
        let contact: String
        let city: String
        let email: String
        let deleted: Bool

        init(_ customer: Customer) {
            id = customer.id ?? 0
            name = customer.name
            kind = customer.kind.rawValue
            contact = customer.contactName
            city = customer.city
            email = customer.email
            deleted = customer.deletedAt != nil
        }
    }
    let customers: [Row]
    let empty: Bool
    let q: String
    let kinds: [Choice]
    let next: String?
    let sorts: [Choice]
    let firstPage: String?
    let exportQuery: String
    let canWrite: Bool
    let isAdmin: Bool
    let includeDeleted: Bool
}

/// The customer form's fields (`customer-fields.mustache`): what was typed (after an error) or the record.
struct CustomerFields: Encodable {
    let kinds: [Choice]
    let name: String
    let contactName: String
    let email: String
    let phone: String
    let address: String
    let postcode: String
    let city: String
    let country: String
    let vatId: String
    let billingEmail: String
    let notes: String
    let deliveries: [Choice]
    let custom: CustomFieldForm

    init(_ input: CustomerStore.Input, custom: CustomFieldForm) {
        kinds = Customer.Kind.allCases.map { Choice(value: $0.rawValue, selected: $0.rawValue == input.kind) }
        name = input.name ?? ""
        contactName = input.contactName ?? ""
        email = input.email ?? ""
        phone = input.phone ?? ""
        address = input.address ?? ""
        postcode = input.postcode ?? ""
        city = input.city ?? ""
        country = input.country ?? ""
        vatId = input.vatId ?? ""
        billingEmail = input.billingEmail ?? ""
        notes = input.notes ?? ""
        deliveries = [
            ("", "the lab's default"), ("attach", "report attached to an email"),
            ("link", "email with a link to the report"), ("none", "no email"),
        ].map { Choice(value: $0.0, label: $0.1, selected: $0.0 == (input.resultsDelivery ?? "")) }
        self.custom = custom
    }
}

/// `customer-new.mustache`.
struct CustomerFormPage: Encodable {
    let form: CustomerFields
    let error: String?
}

/// `customer.mustache`.
struct CustomerDetailPage: Encodable {
    struct Record: Encodable {
        let id: Int64
        let deleted: Bool
        let deletedAt: String
    }
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    let customer: Record
    let facts: [Fact]
    /// The customer's animals, samples, orders, invoices… (features above Customers declare them).
    let linked: [RecordLinks.Panel]
    let form: CustomerFields
    let history: [History.Row]
    let historyCount: Int
    let hasHistory: Bool
    let tabHistory: Bool
    let canWrite: Bool
    let canRestore: Bool
    let attachments: AttachmentPanel?
    let activity: RecordActivity?
    let error: String?
}
