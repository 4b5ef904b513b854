import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/webhooks`: endpoints, their secrets, test events and delivery logs; admins only.
package struct WebhooksAPIController {
    package let store: WebhookStore

    package init(store: WebhookStore) { self.store = store }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/webhook-events", .admin, .listWebhookEvents) { _, _ in
            ItemList(
                items: WebhookEvents.catalog.map {
                    EventTypeItem(
                        name: $0.name, summary: $0.summary, fields: $0.fields + $0.previous.map { "previous_\($0)" })
                })
        }
        routes.get("/api/v1/webhooks", .admin, .listWebhooks) { _, _ in
            ItemList(items: try await store.list().map { WebhookEndpoint.View($0.endpoint) })
        }
        routes.post("/api/v1/webhooks", .admin, .createWebhook) { request, context in
            let input = try await request.decode(as: WebhookStore.Input.self, context: context)
            let (endpoint, secret) = try await store.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: WebhookEndpoint.View(endpoint, secret: secret))
        }
        routes.get("/api/v1/webhooks/{id}", .admin, .webhook) { _, context in
            WebhookEndpoint.View(try await store.get(try context.id()))
        }
        routes.patch("/api/v1/webhooks/{id}", .admin, .changeWebhook) { request, context in
            let input = try await request.decode(as: WebhookStore.Input.self, context: context)
            return WebhookEndpoint.View(try await store.update(try context.id(), input, context: context.eventContext))
        }
        routes.delete("/api/v1/webhooks/{id}", .admin, .deleteWebhook) { _, context in
            try await store.delete(try context.id(), context: context.eventContext)
            return Response(status: .noContent)
        }
        routes.post("/api/v1/webhooks/{id}/secret", .admin, .rotateWebhookSecret) { _, context in
            let (endpoint, secret) = try await store.rotateSecret(try context.id(), context: context.eventContext)
            return WebhookEndpoint.View(endpoint, secret: secret)
        }
        routes.post("/api/v1/webhooks/{id}/test", .admin, .testWebhook) { _, context in
            EditedResponse(
                status: .accepted, response: try await store.test(try context.id(), context: context.eventContext))
        }
        routes.get("/api/v1/webhooks/{id}/deliveries", .admin, .webhookDeliveries) { request, context in
            let query = ListQuery(request)
            let state = try query.choice("state", in: WebhookDelivery.State.allCases.map(\.rawValue))
                .flatMap(WebhookDelivery.State.init)
            let limit = try query.limit()
            let items = try await store.deliveries(
                of: try context.id(), state: state, before: try query.cursor()?.id, limit: limit)
            return KeysetPage(items: items, next: .before(items.map { $0.id ?? 0 }, limit: limit))
        }
        routes.post("/api/v1/webhook-deliveries/{id}/redeliver", .admin, .redeliverWebhook) { _, context in
            EditedResponse(
                status: .accepted, response: try await store.redeliver(try context.id(), context: context.eventContext))
        }
    }

    package struct EventTypeItem: Encodable, Sendable {
        package let name: String
        package let summary: String
        package let fields: [String]
    }
}
