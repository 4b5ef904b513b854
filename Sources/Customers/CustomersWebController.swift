import Attachments
import Collaboration
import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The customer pages: list, new, detail with History, edit, delete and (admins) restore.
package struct CustomersWebController {
    package let store: CustomerStore
    /// The records linked to a customer: animals, samples, orders, invoices… Their features depend on
    /// Customers, not the reverse, so the composition root passes their ``RecordLinks``.
    package let links: [RecordLinks]
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/customers", .customersRead) { request, context in try await list(request, context) }
        routes.get("/customers/import", .customersWrite) { request, context in
            pages.page(
                "import", title: "Import customers", section: "customers", request: request, context: context,
                model: ImportPage(noun: "customers", api: "/api/v1/customers"))
        }
        routes.get("/customers/new", .customersWrite) { request, context in
            try await newPage(request, context, form: Form(), error: nil)
        }
        routes.post("/customers", .customersWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            do {
                let customer = try await store.create(form.input, context: context.eventContext)
                return Flash(kind: .success, message: "\(customer.name) was added.")
                    .redirect(to: "/customers/\(customer.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await newPage(request, context, form: form, error: error)
            }
        }
        routes.get("/customers/{id}", .customersRead) { request, context in
            try await detail(request, context, form: nil, error: nil)
        }
        routes.post("/customers/{id}", .customersWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            let id = try context.id()
            do {
                let customer = try await store.update(id: id, form.input, context: context.eventContext)
                return Flash(kind: .success, message: "\(customer.name) was saved.").redirect(to: "/customers/\(id)")
            } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
                return try await detail(request, context, form: form, error: error)
            }
        }
        SoftDeleteRoutes<Customer>(database: store.database).addPages(
            to: routes, path: "/customers", write: .customersWrite)
    }

    /// The form: the API's fields, and the custom fields as the browser's text, which a number
    /// field reads as a number.
    package struct Form: Decodable {
        package var input = CustomerStore.Input()
        package var customFields: [String: String]?

        private enum CodingKeys: String, CodingKey { case customFields = "custom_fields" }

        package init() {}

        package init(from decoder: Decoder) throws {
            input = try CustomerStore.Input(from: decoder)
            customFields = try decoder.container(keyedBy: CodingKeys.self)
                .decodeIfPresent([String: String].self, forKey: .customFields)
            input.customFields = CustomFieldInput.typed(customFields)
        }
    }

    private static let filters = ["q", "kind", "include_deleted", "sort"]

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try CustomerStore.Filter(query, principal: context.principal)
        let order = try query.order(CustomerStore.sortable)
        let page = try await store.list(filter, order: order, after: try query.cursor(), limit: 50)
        let rows = page.items.map(CustomersPage.Row.init)
        return pages.page(
            "customers/customers", title: "Customers", section: "customers", request: request, context: context,
            model: CustomersPage(
                customers: rows, empty: rows.isEmpty, q: filter.text ?? "",
                kinds: Customer.Kind.allCases.map { Choice(value: $0.rawValue, selected: $0 == filter.kind) },
                next: query.nextPage(keeping: Self.filters, after: page.next),
                sorts: sortOptions(["name": "name", "city": "city"], current: order),
                firstPage: query.firstPage("/customers", keeping: Self.filters),
                exportQuery: query.filters(Self.filters), canWrite: context.principal?.can(.customersWrite) == true,
                isAdmin: context.principal?.can(.admin) == true, includeDeleted: filter.includeDeleted))
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, form: Form, error: APIError?) async throws
        -> Response
    {
        let custom = try await store.database.read { db in
            try CustomFieldForm.load(db, .customer, id: nil, species: nil, typed: form.customFields)
        }
        return pages.page(
            "customers/customer-new", title: "New customer", section: "customers", request: request, context: context,
            model: CustomerFormPage(form: CustomerFields(form.input, custom: custom), error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func detail(_ request: Request, _ context: AppRequestContext, form: Form?, error: APIError?) async throws
        -> Response
    {
        let id = try context.id()
        guard let customer = try await store.customer(id: id),
            let history = try await store.database.history(Customer.self, id: id)
        else { throw APIError.notFound("No customer has id \(id).") }
        try await store.database.recordAccess(
            context.eventContext, subject: .customer(id), action: .view, channel: .page)
        let current = CustomerStore.Input(
            kind: customer.kind.rawValue, name: customer.name, contactName: customer.contactName,
            email: customer.email, phone: customer.phone, address: customer.address, postcode: customer.postcode,
            city: customer.city, country: customer.country, vatId: customer.vatId,
            billingEmail: customer.billingEmail, notes: customer.notes, resultsDelivery: customer.resultsDelivery)
        let facts = [
            ("Kind", customer.kind.rawValue), ("Contact", customer.contactName), ("Email", customer.email),
            ("Phone", customer.phone),
            (
                "Address",
                [customer.address, customer.postcode, customer.city, customer.country]
                    .filter { !$0.isEmpty }.joined(separator: ", ")
            ),
            ("VAT id", customer.vatId), ("Billing email", customer.billingEmail),
            ("Results by", customer.resultsDelivery.isEmpty ? "the lab's default" : customer.resultsDelivery),
            ("Notes", customer.notes),
        ].map { CustomerDetailPage.Fact(label: $0.0, value: $0.1.isEmpty ? "—" : $0.1) }
        let (custom, customFacts) = try await store.database.read { db in
            (
                try CustomFieldForm.load(db, .customer, id: id, species: nil, typed: form?.customFields),
                try CustomFieldForm.facts(db, .customer, id: id)
            )
        }
        let model = CustomerDetailPage(
            customer: .init(
                id: id, deleted: customer.deletedAt != nil, deletedAt: pages.time.text(customer.deletedAt, absent: "")),
            facts: facts + customFacts.map { CustomerDetailPage.Fact(label: $0.label, value: $0.value) },
            linked: try await RecordLinks.panels(
                links, id: id, database: store.database, principal: context.principal, time: pages.time),
            form: CustomerFields(form?.input ?? current, custom: custom),
            history: history.map { History.Row($0, time: pages.time) }, historyCount: history.count,
            hasHistory: !history.isEmpty,
            tabHistory: ListQuery(request)["tab"] == "history",
            canWrite: context.principal?.can(.customersWrite) == true && customer.deletedAt == nil,
            canRestore: context.principal?.can(.admin) == true && customer.deletedAt != nil,
            attachments: try await AttachmentPanel.load(
                Customer.attachable, id: id, database: store.database, principal: context.principal, time: pages.time),
            activity: try await RecordActivity.load(
                Customer.attachable, id: id, database: store.database, principal: context.principal, time: pages.time),
            error: error?.message)
        return pages.page(
            "customers/customer", title: customer.name, section: "customers", request: request, context: context,
            model: model, status: error?.httpStatus ?? .ok)
    }

    package init(store: CustomerStore, links: [RecordLinks], pages: PageRenderer) {
        self.store = store
        self.links = links
        self.pages = pages
    }
}
