import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/customers`.
package struct CustomersAPIController {
    package let store: CustomerStore
    package let jobs: JobQueue

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/customers", .customersRead, .listCustomers) { request, context in
            try await list(request, context)
        }
        routes.post("/api/v1/customers", .customersWrite, .addCustomer) { request, context in
            let input = try await request.decode(as: CustomerStore.Input.self, context: context)
            let customer = try await store.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await one(customer))
        }
        routes.get("/api/v1/customers/{id}", .customersRead, .oneCustomer) { _, context in
            let id = try context.id()
            guard let customer = try await store.customer(id: id) else { throw notFound }
            try await store.database.recordAccess(
                context.eventContext, subject: .customer(id), action: .view, channel: .api)
            return try await one(customer)
        }
        routes.patch("/api/v1/customers/{id}", .customersWrite, .changeCustomer) { request, context in
            let input = try await request.decode(as: CustomerStore.Input.self, context: context)
            return try await one(try await store.update(id: try context.id(), input, context: context.eventContext))
        }
        SoftDeleteRoutes<Customer>(database: store.database).addAPI(
            to: routes, path: "/api/v1/customers", read: .customersRead, write: .customersWrite,
            operations: .standard(noun: "customer", record: .customer))
        let csv = CustomerCSV(store: store)
        routes.get("/api/v1/customers/lookup", .customersRead, .findCustomers) { request, _ in
            guard let words = try Lookup.words(ListQuery(request)) else { return ItemList<Lookup.Match>(items: []) }
            return try await store.lookup(words)
        }
        csv.export.addRoutes(
            to: routes, api: "/api/v1/customers", page: "/customers", jobs: jobs,
            operations: (.exportCustomersAsCSV, .exportCustomersInBackground))
        csv.importer.addRoutes(
            to: routes, path: "/api/v1/customers", permission: .customersWrite,
            operations: .init(
                template: .csvImportTemplateForCustomers, check: .checkCSVImportOfCustomersDryRun,
                import: .importCustomersFromCSV, job: .importCustomersFromCSVInBackground),
            template: CustomerCSV.template, database: store.database, jobs: jobs)
    }

    private var notFound: APIError { .notFound("No such customer.") }

    /// The customer as stored, with its custom fields.
    private func one(_ customer: Customer) async throws -> WithCustomFields<Customer> {
        try await store.withCustomFields([customer])[0]
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws
        -> KeysetPage<WithCustomFields<Customer>>
    {
        let query = ListQuery(request)
        let filter = try CustomerStore.Filter(query, principal: context.principal)
        let page = try await store.list(
            filter, order: try query.order(CustomerStore.sortable), after: try query.cursor(), limit: try query.limit())
        return KeysetPage(items: try await store.withCustomFields(page.items), next: page.next)
    }

    package init(store: CustomerStore, jobs: JobQueue) {
        self.store = store
        self.jobs = jobs
    }
}

extension CustomerStore.Filter {
    /// `kind`, `q` (words of the name, contact, city, email or notes) and, for admins, `include_deleted=true`.
    package init(_ query: ListQuery, principal: Principal?) throws {
        kind = try query.choice("kind", in: Customer.Kind.allCases.map(\.rawValue)).flatMap(Customer.Kind.init)
        text = query["q"]
        includeDeleted = query["include_deleted"] == "true" && principal?.can(.admin) == true
    }
}
