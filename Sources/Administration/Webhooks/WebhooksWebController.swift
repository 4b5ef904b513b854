import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/admin/webhooks`: the endpoints other systems follow LabBox through, each with its events, its
/// secret (shown once), a test event and its delivery log with redelivery; admins only.
package struct WebhooksWebController {
    package let store: WebhookStore
    package let pages: PageRenderer

    package init(store: WebhookStore, pages: PageRenderer) { (self.store, self.pages) = (store, pages) }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/admin/webhooks", .admin) { request, context in
            try await list(request, context)
        }
        routes.post("/admin/webhooks", .admin) { request, context in
            let form = try await request.decode(as: EndpointForm.self, context: context)
            do {
                let (endpoint, secret) = try await store.create(form.input, context: context.eventContext)
                return try await endpointPage(request, context, endpoint, secret: secret)
            } catch let error as APIError where error.status == .unprocessableContent {
                return try await list(request, context, form: form, error: error)
            }
        }
        routes.get("/admin/webhooks/{id}", .admin) { request, context in
            try await endpointPage(request, context, try await store.get(try context.id()))
        }
        routes.post("/admin/webhooks/{id}", .admin) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: EndpointForm.self, context: context)
            return try await Flash.after(redirectTo: "/admin/webhooks/\(id)") {
                var input = form.input
                input.enabled = form.enabled == "true"
                let endpoint = try await store.update(id, input, context: context.eventContext)
                return "\(endpoint.name) saved."
            }
        }
        routes.post("/admin/webhooks/{id}/delete", .admin) { _, context in
            let id = try context.id()
            return try await Flash.after(redirectTo: "/admin/webhooks") {
                try await store.delete(id, context: context.eventContext)
                return "The endpoint and its delivery log were deleted."
            }
        }
        routes.post("/admin/webhooks/{id}/secret", .admin) { request, context in
            let (endpoint, secret) = try await store.rotateSecret(try context.id(), context: context.eventContext)
            return try await endpointPage(request, context, endpoint, secret: secret)
        }
        routes.post("/admin/webhooks/{id}/test", .admin) { _, context in
            let id = try context.id()
            return try await Flash.after(redirectTo: "/admin/webhooks/\(id)") {
                _ = try await store.test(id, context: context.eventContext)
                return "A test event is queued; its delivery shows below within seconds."
            }
        }
        routes.post("/admin/webhook-deliveries/{id}/redeliver", .admin) { _, context in
            let delivery = try await store.redeliver(try context.id(), context: context.eventContext)
            return Flash(kind: .success, message: "The event is queued again.")
                .redirect(to: "/admin/webhooks/\(delivery.endpointId)")
        }
    }

    /// The create and edit form; `events[]` are the ticked event types.
    struct EndpointForm: Decodable {
        let name: String?
        let url: String?
        let events: [String]?
        let enabled: String?

        var input: WebhookStore.Input {
            WebhookStore.Input(name: name ?? "", url: url ?? "", events: events ?? [])
        }
    }

    private func list(
        _ request: Request, _ context: AppRequestContext, form: EndpointForm? = nil, error: APIError? = nil
    ) async throws -> Response {
        let endpoints = try await store.list()
        return pages.page(
            "administration/webhooks", title: "Webhooks", section: "system", request: request, context: context,
            model: ListPage(
                endpoints: endpoints.map { endpoint, last in
                    ListPage.Row(
                        id: endpoint.id ?? 0, name: endpoint.name, url: endpoint.url,
                        events: endpoint.eventTypes.joined(separator: ", "), enabled: endpoint.enabled,
                        last: last.map { "\($0.state.rawValue), \(pages.time.text($0.createdAt))" } ?? "none yet")
                },
                empty: endpoints.isEmpty, events: choices(ticked: form?.events ?? []), name: form?.name ?? "",
                url: form?.url ?? "", error: error?.message, field: error?.field),
            status: error?.httpStatus ?? .ok)
    }

    private func endpointPage(
        _ request: Request, _ context: AppRequestContext, _ endpoint: WebhookEndpoint, secret: String? = nil
    ) async throws -> Response {
        let id = endpoint.id ?? 0
        let query = ListQuery(request)
        let limit = try query.limit()
        let deliveries = try await store.deliveries(of: id, state: nil, before: try query.cursor()?.id, limit: limit)
        return pages.page(
            "administration/webhook", title: "Webhook: \(endpoint.name)", section: "system", request: request,
            context: context,
            model: EndpointPage(
                id: id, name: endpoint.name, url: endpoint.url, enabled: endpoint.enabled, secret: secret,
                events: choices(ticked: endpoint.eventTypes),
                created: pages.time.text(endpoint.createdAt), empty: deliveries.isEmpty,
                deliveries: deliveries.map { delivery in
                    EndpointPage.Delivery(
                        id: delivery.id ?? 0, event: delivery.eventType, eventID: delivery.eventId,
                        state: delivery.state.rawValue, failed: delivery.state == .failed,
                        attempts: delivery.attempts, code: delivery.responseCode.map(String.init) ?? "—",
                        duration: delivery.durationMs.map { "\($0) ms" } ?? "—",
                        at: pages.time.text(delivery.lastAttemptAt ?? delivery.createdAt),
                        retryAt: delivery.state == .pending ? pages.time.text(delivery.nextAttemptAt) : nil,
                        error: delivery.error, response: delivery.responseBody, payload: delivery.payload,
                        redelivery: delivery.redeliveryOf)
                },
                next: query.nextPage(keeping: [], after: .before(deliveries.map(\.id), limit: limit))))
    }

    private func choices(ticked: [String]) -> [EventChoice] {
        WebhookEvents.catalog.map {
            EventChoice(name: $0.name, summary: $0.summary, checked: ticked.contains($0.name))
        }
    }

    struct EventChoice: Encodable {
        let name: String
        let summary: String
        let checked: Bool
    }

    /// `administration/webhooks.mustache`: the endpoints and the form for a new one.
    struct ListPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let name: String
            let url: String
            let events: String
            let enabled: Bool
            let last: String
        }
        let endpoints: [Row]
        let empty: Bool
        let events: [EventChoice]
        let name: String
        let url: String
        let error: String?
        let field: String?
    }

    /// `administration/webhook.mustache`: one endpoint, its secret when just made, its log.
    struct EndpointPage: Encodable {
        struct Delivery: Encodable {
            let id: Int64
            let event: String
            let eventID: String
            let state: String
            let failed: Bool
            let attempts: Int
            let code: String
            let duration: String
            let at: String
            let retryAt: String?
            let error: String
            let response: String
            let payload: String
            let redelivery: Int64?
        }
        let id: Int64
        let name: String
        let url: String
        let enabled: Bool
        let secret: String?
        let events: [EventChoice]
        let created: String
        let empty: Bool
        let deliveries: [Delivery]
        let next: String?
    }
}
