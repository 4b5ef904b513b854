import CustomFields
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for customers. Every write goes through ``AuditedWrite``.
package struct CustomerStore: Sendable {
    package let database: AppDatabase

    /// The writable fields, from the API's JSON or the page's form; nil means "not given".
    package struct Input: Decodable, Sendable {
        package var kind: String?
        package var name: String?
        package var contactName: String?
        package var email: String?
        package var phone: String?
        package var address: String?
        package var postcode: String?
        package var city: String?
        package var country: String?
        package var vatId: String?
        package var billingEmail: String?
        package var notes: String?
        package var resultsDelivery: String?
        package var customFields: [String: CustomFieldInput]?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case kind, name, email, phone, address, postcode, city, country, notes, reason
            case customFields = "custom_fields"
            case contactName = "contact_name"
            case vatId = "vat_id"
            case billingEmail = "billing_email"
            case resultsDelivery = "results_delivery"
        }
    }

    package struct Filter: Sendable, Codable {
        package var kind: Customer.Kind?
        /// Words of the name, contact, city, email or notes (full-text, prefix match).
        package var text: String?
        package var includeDeleted = false
    }

    package func apply(_ input: Input, to customer: inout Customer) throws {
        if let kind = input.kind {
            guard let value = Customer.Kind(rawValue: kind) else {
                throw APIError.validationFailed("Kind must be organisation or person.", field: "kind")
            }
            customer.kind = value
        }
        if let name = input.name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(trimmed.count) else {
                throw APIError.validationFailed("Enter a name of 1 to 200 characters.", field: "name")
            }
            customer.name = trimmed
        }
        if let delivery = input.resultsDelivery {
            guard delivery.isEmpty || ReportDelivery(rawValue: delivery) != nil else {
                throw APIError.validationFailed(
                    "Results delivery must be attach, link, none, or empty for the lab's default.",
                    field: "results_delivery")
            }
            customer.resultsDelivery = delivery
        }
        let texts: [(String?, WritableKeyPath<Customer, String>, String, Int)] = [
            (input.contactName, \.contactName, "contact_name", 200), (input.phone, \.phone, "phone", 50),
            (input.address, \.address, "address", 500), (input.postcode, \.postcode, "postcode", 20),
            (input.city, \.city, "city", 100), (input.country, \.country, "country", 100),
            (input.vatId, \.vatId, "vat_id", 50), (input.notes, \.notes, "notes", 5000),
        ]
        for (value, path, field, limit) in texts {
            guard let value else { continue }
            try InputCheck.length(value, field: field, limit: limit)
            customer[keyPath: path] = value
        }
        for (value, path, field) in [
            (input.email, \Customer.email, "email"), (input.billingEmail, \Customer.billingEmail, "billing_email"),
        ] {
            guard let value else { continue }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard trimmed.isEmpty || trimmed.firstMatch(of: /^[^@\s]+@[^@\s]+\.[^@\s]+$/) != nil, trimmed.count <= 254
            else { throw APIError.validationFailed("Enter a valid email address or leave it empty.", field: field) }
            customer[keyPath: path] = trimmed
        }
    }

    package func create(_ input: Input, context: EventContext) async throws -> Customer {
        guard input.name != nil else { throw APIError.validationFailed("The field 'name' is required.", field: "name") }
        return try await database.write(context) { write in
            let now = Date()
            var customer = Customer(id: nil, kind: .organisation, name: "", createdAt: now, updatedAt: now)
            try apply(input, to: &customer)
            try write.insert(&customer)
            try CustomValues.save(
                input.customFields, entity: .customer, id: customer.id ?? 0, species: nil, creating: true, in: write)
            return customer
        }
    }

    package func update(id: Int64, _ input: Input, context: EventContext) async throws -> Customer {
        try await database.write(context) { write in
            let previous = try Customer.live(write.db, id: id)
            var customer = previous
            try apply(input, to: &customer)
            customer.updatedAt = Date()
            try write.update(customer, from: previous, reason: input.reason)
            try CustomValues.save(
                input.customFields, entity: .customer, id: id, species: nil, creating: false, reason: input.reason,
                in: write)
            return customer
        }
    }

    /// `customers` as the API shows them, with their custom fields.
    package func withCustomFields(_ customers: [Customer]) async throws -> [WithCustomFields<Customer>] {
        try await database.read { try WithCustomFields<Customer>.load($0, .customer, customers) }
    }

    package func customer(id: Int64) async throws -> Customer? {
        try await database.read { try Customer.fetchOne($0, key: id) }
    }

    package static let sortable = ["name", "city"]

    /// One page after `after` in `order`, and where the next starts (nil on the last page).
    package func list(_ filter: Filter, order: ListOrder = .byID, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Customer], next: KeysetPosition?)
    {
        try await database.read { db in
            try Self.request(filter).page(db, order: order, after: after, limit: limit)
        }
    }

    /// How many customers `filter` selects.
    package func count(_ filter: Filter) async throws -> Int {
        try await database.read { db in try Self.request(filter).fetchCount(db) }
    }

    private static func request(_ filter: Filter) -> QueryInterfaceRequest<Customer> {
        var request = Customer.all()
        if !filter.includeDeleted { request = request.filter(Customer.CodingKeys.deletedAt == nil) }
        if let kind = filter.kind { request = request.filter(Customer.CodingKeys.kind == kind) }
        if let match = filter.text.flatMap(SearchIndex.matchExpression) {
            request = request.filter(
                literal: "id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH \(match))")
        }
        return request
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
