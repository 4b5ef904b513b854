import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/customers/{id}/consents|export|erase` and `/api/v1/privacy/…` (decision 0041).
package struct PrivacyAPIController {
    package let consents: ConsentStore
    package let export: SubjectExport
    package let erasure: Erasure
    package let store: PrivacyStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/customers/{id}/consents", .customersRead, .listConsents) { _, context in
            ItemList(items: try await consents.history(customer: try context.id()))
        }
        routes.post("/api/v1/customers/{id}/consents", .customersWrite, .recordConsent) { request, context in
            let input = try await request.decode(as: ConsentStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await consents.record(customer: try context.id(), input, context: context.eventContext))
        }
        routes.get("/api/v1/customers/{id}/export", .privacyWrite, .exportCustomerData) { _, context in
            let file = try await export.export(customer: try context.id(), context: context.eventContext, channel: .api)
            return Self.zip(file)
        }
        routes.post("/api/v1/customers/{id}/erase", .privacyWrite, .eraseCustomer) { request, context in
            let input = try await request.decode(as: ReasonInput.self, context: context)
            return try await erasure.erase(
                customer: try context.id(), reason: input.reason, context: context.eventContext)
        }
        routes.get("/api/v1/privacy/accesses", .privacyRead, .listPersonalDataAccesses) { request, _ in
            let query = ListQuery(request)
            let page = try await store.accesses(
                try PrivacyStore.AccessFilter(query), before: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.get("/api/v1/privacy/erasures", .privacyRead, .listErasures) { _, _ in
            ItemList(items: try await store.erasures())
        }
    }

    /// A zip as a download.
    static func zip(_ file: (name: String, data: Data)) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(file.name)\"",
                .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }

    struct ReasonInput: Decodable {
        let reason: String?
    }

    package init(consents: ConsentStore, export: SubjectExport, erasure: Erasure, store: PrivacyStore) {
        self.consents = consents
        self.export = export
        self.erasure = erasure
        self.store = store
    }
}

extension PrivacyStore.AccessFilter {
    /// `customer_id`, `actor` and `action`.
    init(_ query: ListQuery) throws {
        if let actor = query["actor"], actor.unicodeScalars.count > 200 {
            throw APIError.invalid("actor is at most 200 characters.", field: "actor")
        }
        self.init(
            customerID: try query.id("customer_id"), actor: query["actor"],
            action: try query.choice("action", in: PersonalDataAccess.Action.allCases.map(\.rawValue))
                .flatMap(PersonalDataAccess.Action.init))
    }
}
