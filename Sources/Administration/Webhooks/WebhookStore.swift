import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Webhook endpoints and their delivery log, for admins. Every change to an endpoint, a new secret,
/// a test event and a redelivery is audited; the secret itself never is (decision 0040).
package struct WebhookStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) { self.database = database }

    package static let maxName = 100
    package static let maxURL = 2000

    package struct Input: Decodable, Sendable {
        package var name: String?
        package var url: String?
        package var events: [String]?
        package var enabled: Bool?

        package init(name: String? = nil, url: String? = nil, events: [String]? = nil, enabled: Bool? = nil) {
            (self.name, self.url, self.events, self.enabled) = (name, url, events, enabled)
        }
    }

    /// Every endpoint, by name, with its newest delivery's state.
    package func list() async throws -> [(endpoint: WebhookEndpoint, last: WebhookDelivery?)] {
        try await database.read { db in
            try WebhookEndpoint.order(sql: "name, id").fetchAll(db).map { endpoint in
                let last = try WebhookDelivery.filter(WebhookDelivery.CodingKeys.endpointId == endpoint.id)
                    .order(WebhookDelivery.CodingKeys.id.desc).fetchOne(db)
                return (endpoint, last)
            }
        }
    }

    package func get(_ id: Int64) async throws -> WebhookEndpoint {
        try await database.read { try Self.endpoint($0, id: id) }
    }

    private static func endpoint(_ db: Database, id: Int64) throws -> WebhookEndpoint {
        guard let endpoint = try WebhookEndpoint.fetchOne(db, key: id) else {
            throw APIError.notFound("No webhook endpoint has id \(id).")
        }
        return endpoint
    }

    /// A new endpoint with a secret made here; the secret is returned this once.
    package func create(_ input: Input, context: EventContext) async throws -> (WebhookEndpoint, secret: String) {
        let now = Date()
        var endpoint = WebhookEndpoint(
            id: nil, name: "", url: "", events: "", enabled: true, createdAt: now, updatedAt: now)
        try Self.apply(input, to: &endpoint, creating: true)
        let draft = endpoint
        let secret = Self.newSecret()
        let secrets = database.secrets
        let created = try await database.write(context) { write in
            var endpoint = draft
            endpoint.fromSeq = try Int64.fetchOne(write.db, sql: "SELECT MAX(seq) FROM audit_events") ?? 0
            try write.insert(&endpoint)
            endpoint.secret = try secrets.seal(secret, context: WebhookEndpoint.secretContext(endpoint.id ?? 0))
            try endpoint.update(write.db, columns: [WebhookEndpoint.CodingKeys.secret])
            return endpoint
        }
        return (created, secret)
    }

    package func update(_ id: Int64, _ input: Input, context: EventContext) async throws -> WebhookEndpoint {
        try await database.write(context) { write in
            let previous = try Self.endpoint(write.db, id: id)
            var endpoint = previous
            try Self.apply(input, to: &endpoint, creating: false)
            endpoint.updatedAt = Date()
            try write.update(endpoint, from: previous, reason: nil)
            return endpoint
        }
    }

    /// Deletes the endpoint and its delivery log; nothing more is sent to it.
    package func delete(_ id: Int64, context: EventContext) async throws {
        try await database.write(context) { write in
            try write.delete(try Self.endpoint(write.db, id: id), reason: nil)
        }
    }

    /// A new secret, returned this once; deliveries not yet made are signed with it.
    package func rotateSecret(_ id: Int64, context: EventContext) async throws -> (WebhookEndpoint, secret: String) {
        let secret = Self.newSecret()
        let secrets = database.secrets
        let endpoint = try await database.write(context) { write in
            var endpoint = try Self.endpoint(write.db, id: id)
            endpoint.secret = try secrets.seal(secret, context: WebhookEndpoint.secretContext(id))
            endpoint.updatedAt = Date()
            try endpoint.update(write.db, columns: [WebhookEndpoint.CodingKeys.secret, .updatedAt])
            try write.log("webhook.rotate_secret", entityType: WebhookEndpoint.auditEntity, entityID: String(id))
            return endpoint
        }
        return (endpoint, secret)
    }

    /// Queues a `ping` to an enabled endpoint.
    package func test(_ id: Int64, context: EventContext) async throws -> WebhookDelivery {
        try await database.write(context) { write in
            let endpoint = try Self.endpoint(write.db, id: id)
            try Self.requireEnabled(endpoint)
            let now = Date()
            let ping = try WebhookEvents.ping(endpoint: id, at: now)
            var delivery = WebhookDelivery(
                endpointId: id, eventId: ping.id, eventType: WebhookEvents.ping, payload: ping.payload, now: now)
            try delivery.insert(write.db)
            try write.log(
                "webhook.test", entityType: WebhookEndpoint.auditEntity, entityID: String(id),
                after: AuditValue.encode(["delivery_id": .integer(delivery.id ?? 0)]))
            return delivery
        }
    }

    /// Queues the same event (same id and body, signed afresh) to its endpoint again, whatever
    /// became of the delivery; the log keeps the old one.
    package func redeliver(_ deliveryID: Int64, context: EventContext) async throws -> WebhookDelivery {
        try await database.write(context) { write in
            guard let original = try WebhookDelivery.fetchOne(write.db, key: deliveryID) else {
                throw APIError.notFound("No webhook delivery has id \(deliveryID).")
            }
            try Self.requireEnabled(try Self.endpoint(write.db, id: original.endpointId))
            var delivery = WebhookDelivery(
                endpointId: original.endpointId, eventId: original.eventId, eventType: original.eventType,
                payload: original.payload, now: Date())
            delivery.redeliveryOf = deliveryID
            try delivery.insert(write.db)
            try write.log(
                "webhook.redeliver", entityType: WebhookEndpoint.auditEntity, entityID: String(original.endpointId),
                after: AuditValue.encode([
                    "delivery_id": .integer(delivery.id ?? 0), "redelivery_of": .integer(deliveryID),
                    "event_id": .text(original.eventId),
                ]))
            return delivery
        }
    }

    /// An endpoint's deliveries, newest first, a keyset page before `before`.
    package func deliveries(of id: Int64, state: WebhookDelivery.State?, before: Int64?, limit: Int) async throws
        -> [WebhookDelivery]
    {
        try await database.read { db in
            _ = try Self.endpoint(db, id: id)
            var request = WebhookDelivery.filter(WebhookDelivery.CodingKeys.endpointId == id)
                .order(WebhookDelivery.CodingKeys.id.desc).limit(limit)
            if let state { request = request.filter(WebhookDelivery.CodingKeys.state == state) }
            if let before { request = request.filter(WebhookDelivery.CodingKeys.id < before) }
            return try request.fetchAll(db)
        }
    }

    private static func requireEnabled(_ endpoint: WebhookEndpoint) throws {
        guard endpoint.enabled else {
            throw APIError(
                status: .conflict, code: "conflict",
                message: "\(endpoint.name) is disabled: enable it first, or nothing would be sent.")
        }
    }

    /// `whsec_` and 32 random bytes.
    private static func newSecret() -> String { "whsec_" + Secrets.token(bytes: 32) }

    /// The input's fields on `endpoint`, each checked.
    static func apply(_ input: Input, to endpoint: inout WebhookEndpoint, creating: Bool) throws {
        if let name = input.name ?? (creating ? "" : nil) {
            endpoint.name = try InputCheck.text(name, field: "name", limit: maxName)
                .trimmingCharacters(in: .whitespaces)
            guard !endpoint.name.isEmpty else {
                throw APIError.validationFailed("Name the system that receives the events.", field: "name")
            }
        }
        if let url = input.url ?? (creating ? "" : nil) {
            endpoint.url = try checkedURL(url)
        }
        if let events = input.events ?? (creating ? [] : nil) {
            for (index, event) in events.enumerated() {
                try InputCheck.length(event, field: "events.\(index)", limit: 40)
            }
            if let unknown = events.first(where: { !WebhookEvents.names.contains($0) }) {
                throw APIError.validationFailed(
                    "\(unknown) is not an event type; choose from \(WebhookEvents.names.joined(separator: ", ")).",
                    field: "events")
            }
            guard !events.isEmpty, events.count <= 20 else {
                throw APIError.validationFailed("Choose at least one event to send (at most 20).", field: "events")
            }
            endpoint.events = WebhookEvents.names.filter(events.contains).joined(separator: ",")
        }
        if let enabled = input.enabled { endpoint.enabled = enabled }
    }

    /// An absolute http or https URL with a host, without credentials or a fragment. Any host is
    /// allowed, loopback and private addresses too: the receiver is usually on the lab's network,
    /// and only an admin sets it (decision 0040).
    static func checkedURL(_ text: String) throws -> String {
        let url = try InputCheck.text(text, field: "url", limit: maxURL).trimmingCharacters(in: .whitespaces)
        guard !url.isEmpty else { throw APIError.validationFailed("Give the URL to post to.", field: "url") }
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = parsed.host, !host.isEmpty
        else {
            throw APIError.validationFailed(
                "The URL must be http:// or https:// with a host, e.g. https://pms.example/labbox.", field: "url")
        }
        guard parsed.user == nil, parsed.password == nil else {
            throw APIError.validationFailed(
                "Leave credentials out of the URL: the receiver checks the signature instead.", field: "url")
        }
        guard parsed.fragment == nil else {
            throw APIError.validationFailed("A URL with a #fragment is not sent anywhere.", field: "url")
        }
        return url
    }
}
