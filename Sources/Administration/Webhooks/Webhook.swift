import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// A system that follows LabBox: where its events are posted, which ones, and the secret they are
/// signed with (decision 0040).
package struct WebhookEndpoint: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "webhook_endpoints"
    package static let auditEntity = "webhook_endpoint"
    package static let auditRedacted: Set<String> = ["secret"]

    package var id: Int64?
    package var name: String
    package var url: String
    /// Comma separated event types, in the catalog's order.
    package var events: String
    package var enabled: Bool
    /// The audit trail's head when it was added: it hears of later events only.
    package var fromSeq: Int64 = 0
    /// Sealed for this row (``secretContext(_:)``).
    package var secret = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, url, events, enabled, secret
        case fromSeq = "from_seq"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var eventTypes: [String] { events.split(separator: ",").map(String.init) }

    /// What a sealed secret is bound to: it opens only in this row.
    package static func secretContext(_ id: Int64) -> String { "webhook_endpoints.secret:\(id)" }

    /// The endpoint as the API shows it; `secret` only in the answer that made it.
    package struct View: ResponseEncodable, Sendable {
        package let id: Int64
        package let name: String
        package let url: String
        package let events: [String]
        package let enabled: Bool
        package let createdAt: Date
        package let updatedAt: Date
        package var secret: String?

        package init(_ endpoint: WebhookEndpoint, secret: String? = nil) {
            (id, name, url, events, enabled) = (
                endpoint.id ?? 0, endpoint.name, endpoint.url, endpoint.eventTypes, endpoint.enabled
            )
            (createdAt, updatedAt, self.secret) = (endpoint.createdAt, endpoint.updatedAt, secret)
        }

        package enum CodingKeys: String, CodingKey {
            case id, name, url, events, enabled, secret
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }
}

/// One event for one endpoint: its signed body and how its attempts went. Not audited, like the
/// mail outbox: what is audited is the event itself and every change an admin makes.
package struct WebhookDelivery: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, ResponseEncodable {
    package static let databaseTableName = "webhook_deliveries"

    package enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case pending, succeeded, failed
    }

    package var id: Int64?
    package var endpointId: Int64
    package var eventId: String
    package var eventType: String
    package var payload: String
    package var state = State.pending
    package var attempts = 0
    package var nextAttemptAt: Date
    package var lastAttemptAt: Date?
    package var responseCode: Int?
    package var durationMs: Int?
    package var responseBody = ""
    package var error = ""
    package var redeliveryOf: Int64?
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, payload, state, attempts, error
        case endpointId = "endpoint_id"
        case eventId = "event_id"
        case eventType = "event_type"
        case nextAttemptAt = "next_attempt_at"
        case lastAttemptAt = "last_attempt_at"
        case responseCode = "response_code"
        case durationMs = "duration_ms"
        case responseBody = "response_body"
        case redeliveryOf = "redelivery_of"
        case createdAt = "created_at"
    }

    package init(endpointId: Int64, eventId: String, eventType: String, payload: String, now: Date) {
        (self.endpointId, self.eventId, self.eventType, self.payload) = (endpointId, eventId, eventType, payload)
        (nextAttemptAt, createdAt) = (now, now)
    }
}
