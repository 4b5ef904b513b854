import Foundation
import LabBoxPlatform
import LabBoxValues

/// An event type an endpoint may subscribe to: which audit events it is, and which columns of the
/// event's snapshot its `data` carries. The fields are named here, not copied wholesale, so that a
/// column added to a table does not change what integrators receive (decision 0040).
package struct WebhookEventType: Sendable {
    package let name: String
    package let summary: String
    let entityType: String
    let actions: Set<String>
    /// Columns of the snapshot after the change (before it, for a deletion).
    package let fields: [String]
    /// Columns whose value before the change is also sent, as `previous_<column>`.
    package let previous: [String]

    init(
        _ name: String, _ summary: String, entity: String, actions: Set<String>, fields: [String],
        previous: [String] = []
    ) {
        (self.name, self.summary, self.entityType, self.actions) = (name, summary, entity, actions)
        (self.fields, self.previous) = (fields, previous)
    }
}

package enum WebhookEvents {
    /// The test event an admin sends; no endpoint subscribes to it.
    package static let ping = "ping"

    package static let catalog: [WebhookEventType] = [
        WebhookEventType(
            "order.created", "A lab order was placed for a customer.", entity: "lab_order", actions: ["create"],
            fields: ["customer_id", "ordered_on", "reference", "purchase_order"]),
        WebhookEventType(
            "result.verified", "A result was verified by as many people as the lab requires.", entity: "result",
            actions: ["result.verified"],
            fields: ["order_id", "sample_id", "test_id", "value", "unit", "low", "high", "flag"]),
        WebhookEventType(
            "result.rejected", "A verifier rejected a result for good (the sample was unsuitable).",
            entity: "result", actions: ["result.rejected"], fields: ["order_id", "sample_id", "test_id"]),
        WebhookEventType(
            "results.delivered", "An order's results were sent to the customer, as a link or attached.",
            entity: "lab_order", actions: ["results.deliver"], fields: ["delivery_id", "method", "expires_at"]),
        WebhookEventType(
            "sample.received", "A sample was recorded, by hand or by an import.", entity: "sample",
            actions: ["create", "sample.import"],
            fields: ["external_id", "species", "kind", "status", "animal_id", "collected_at"]),
        WebhookEventType(
            "sample.status_changed", "A sample moved on: in process, stored, shipped, used or discarded.",
            entity: "sample", actions: ["sample.status"],
            fields: ["external_id", "species", "kind", "status", "animal_id"], previous: ["status"]),
        WebhookEventType(
            "invoice.issued", "An invoice or credit note was issued with its number.", entity: "invoice",
            actions: ["issue"],
            fields: [
                "kind", "number", "customer_id", "corrects_id", "issue_date", "due_date", "currency", "net_minor",
                "vat_minor", "gross_minor", "purchase_order",
            ]),
        WebhookEventType(
            "invoice.voided", "An issued invoice was voided.", entity: "invoice", actions: ["void"],
            fields: ["kind", "number", "customer_id", "currency", "gross_minor"]),
        WebhookEventType(
            "payment.received", "A customer's payment was recorded (amount in minor units of the lab's currency).",
            entity: "payment", actions: ["create"],
            fields: ["customer_id", "received_on", "amount_minor", "method", "reference"]),
        WebhookEventType(
            "customer.created", "A customer was added, by hand or by an import.", entity: "customer",
            actions: ["create", "customer.import"], fields: ["kind", "name"]),
        WebhookEventType(
            "animal.created", "An animal was registered, by hand or by an import.", entity: "animal",
            actions: ["create", "animal.import"],
            fields: ["species", "name", "sex", "breed", "birth_date", "owner_id", "sire_id", "dam_id"]),
    ]

    package static var names: [String] { catalog.map(\.name) }

    private static let byAuditEvent: [String: WebhookEventType] = Dictionary(
        uniqueKeysWithValues: catalog.flatMap { type in type.actions.map { (key(type.entityType, $0), type) } })

    static func key(_ entityType: String, _ action: String) -> String { entityType + " " + action }

    /// The `entity_type action` keys of the audit events that make `types`.
    static func auditKeys(of types: Set<String>) -> [String] {
        catalog.filter { types.contains($0.name) }.flatMap { type in type.actions.map { key(type.entityType, $0) } }
    }

    /// The webhook event an audit event is, if it is one.
    static func type(of event: AuditEvent) -> WebhookEventType? {
        byAuditEvent[key(event.entityType, event.action)]
    }

    /// The body of every delivery: `{"id","type","occurred_at","entity":{"type","id"},"data":{…}}`,
    /// keys sorted, no spaces.
    struct Payload: Encodable {
        struct Entity: Encodable {
            let type: String
            let id: AuditValue
        }
        let id: String
        let type: String
        let occurredAt: String
        let entity: Entity
        let data: [String: AuditValue]

        enum CodingKeys: String, CodingKey {
            case id, type, entity, data
            case occurredAt = "occurred_at"
        }

        var json: String {
            get throws {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                return String(decoding: try encoder.encode(self), as: UTF8.self)
            }
        }
    }

    /// The payload of `event`, an event of `type`; its id (`evt_<seq>`) is the same for every
    /// endpoint and every redelivery, so a receiver can drop one it has seen. `texts`: the person's
    /// data behind the snapshots' tokens (decision 0041), which the receiver gets as text.
    static func payload(of event: AuditEvent, as type: WebhookEventType, texts: [String: String]) throws -> String {
        let after = AuditValue.decode(PersonalData.resolved(event.after ?? event.before, texts))
        let before = AuditValue.decode(PersonalData.resolved(event.before, texts))
        var data: [String: AuditValue] = [:]
        for field in type.fields { data[field] = after[field] ?? .null }
        for field in type.previous { data["previous_" + field] = before[field] ?? .null }
        return try Payload(
            id: "evt_\(event.seq)", type: type.name, occurredAt: event.at,
            entity: .init(type: type.entityType, id: entityID(event.entityId)), data: data
        ).json
    }

    /// The test event for endpoint `id`.
    static func ping(endpoint id: Int64, at now: Date) throws -> (id: String, payload: String) {
        let eventID = "ping_" + Secrets.token(bytes: 9)
        return (
            eventID,
            try Payload(
                id: eventID, type: ping, occurredAt: AuditEvent.timestamp(now),
                entity: .init(type: WebhookEndpoint.auditEntity, id: .integer(id)),
                data: ["message": .text("A test event from LabBox: the endpoint is reached and signs verify.")]
            ).json
        )
    }

    /// A record's id as a number where it is one.
    private static func entityID(_ text: String) -> AuditValue {
        Int64(text).map(AuditValue.integer) ?? .text(text)
    }
}
