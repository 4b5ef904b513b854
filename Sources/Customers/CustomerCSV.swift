import CustomFields
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// Customers as CSV: the export of any filtered list and the import (dry run, then all or none).
package struct CustomerCSV: Sendable {
    package let store: CustomerStore

    package static let columns = [
        "kind", "name", "contact_name", "email", "phone", "address", "postcode", "city", "country", "vat_id",
        "billing_email", "notes",
    ]

    package static let template = CSVResponse.line([
        "organisation", "Hof Meier", "Anna Meier", "info@meier.example", "+49 431 1234", "Dorfstr. 1", "24103", "Kiel",
        "DE", "DE123456789", "billing@meier.example", "",
    ])

    package static func values(_ customer: Customer) -> [String] {
        [
            customer.kind.rawValue, customer.name, customer.contactName, customer.email, customer.phone,
            customer.address, customer.postcode, customer.city, customer.country, customer.vatId,
            customer.billingEmail, customer.notes,
        ]
    }

    /// The export of any customer list.
    package var export: CSVExport {
        let store = store
        return CSVExport(
            name: "customers", title: "Customer export", permission: .customersRead, columns: Self.columns,
            more: { try await CustomFieldCSV.columns(store.database, .customer) },
            filter: { request, context in
                let filter = try CustomerStore.Filter(ListQuery(request), principal: context.principal)
                // People's contact details leave the lab: recorded as the export of the list.
                try await store.database.recordAccess(
                    context.eventContext, subject: .customerList(request.uri.query ?? ""), action: .listExport,
                    channel: request.uri.path.hasPrefix("/api/") ? .api : .page)
                return filter
            },
            count: { try await store.count($0) },
            rows: { filter, after, limit, more in
                let items = try await store.list(filter, after: KeysetPosition(id: after), limit: limit).items
                let custom = try await store.database.read { db in
                    try CustomFieldCSV.cells(db, .customer, ids: items.compactMap(\.id), columns: more)
                }
                return items.map { ($0.id ?? 0, Self.values($0) + (custom[$0.id ?? 0] ?? [])) }
            })
    }

    package var importer: CSVImport<Customer> {
        let store = store
        return CSVImport(
            columns: Self.columns, required: ["name"],
            validate: { row, _, _, _ in
                func text(_ name: String) -> String? { row[name].flatMap { $0.isEmpty ? nil : $0 } }
                let input = CustomerStore.Input(
                    kind: text("kind"), name: row["name"], contactName: text("contact_name"), email: text("email"),
                    phone: text("phone"), address: text("address"), postcode: text("postcode"), city: text("city"),
                    country: text("country"), vatId: text("vat_id"), billingEmail: text("billing_email"),
                    notes: text("notes"))
                let now = Date()
                var customer = Customer(id: nil, kind: .organisation, name: "", createdAt: now, updatedAt: now)
                try store.apply(input, to: &customer)
                return customer
            },
            insert: { customers, write in
                var customers = customers
                try write.insertAll(&customers, action: "customer.import")
            })
    }

    package init(store: CustomerStore) {
        self.store = store
    }
}
