import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// One sending of an order's report to the customer: attached to the email, or a link that opens
/// the report without a LabBox account until it expires or is revoked. Only the link's hash is
/// stored, so the database (or a backup of it) opens no report.
package struct ResultsDelivery: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "results_deliveries"

    package enum Method: String, Codable, Sendable, DatabaseValueConvertible {
        case attach, link
    }

    package var id: Int64?
    package var orderId: Int64
    package var recipient: String
    package var method: Method
    package var tokenHash: String?
    package var expiresAt: Date?
    package var revokedAt: Date?
    package var revokedBy = ""
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, recipient, method
        case orderId = "order_id"
        case tokenHash = "token_hash"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case revokedBy = "revoked_by"
        case createdAt = "created_at"
    }

    /// Whether a link still opens the report at `now`; an attachment has nothing to end.
    package func state(at now: Date = Date()) -> LinkState {
        guard method == .link else { return .sent }
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }

    package enum LinkState: String, Codable, Sendable {
        case sent, active, expired, revoked
    }
}

/// One opening of a results link, whether it showed the report or not.
package struct LinkAccess: Codable, Sendable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "results_link_accesses"
    /// A user agent is the caller's to choose; this much of it is kept.
    package static let maxUserAgent = 300

    package enum Outcome: String, Codable, Sendable, DatabaseValueConvertible {
        case shown, expired, revoked
    }

    package var id: Int64?
    package var deliveryId: Int64
    package var accessedAt: Date
    package var clientIp: String
    package var userAgent: String
    package var outcome: Outcome

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, outcome
        case deliveryId = "delivery_id"
        case accessedAt = "accessed_at"
        case clientIp = "client_ip"
        case userAgent = "user_agent"
    }
}

/// A delivery as the API and the order page show it: never its token.
package struct DeliveryView: Encodable, Sendable, ResponseEncodable {
    package let id: Int64
    package let orderId: Int64
    package let recipient: String
    package let method: ResultsDelivery.Method
    package let state: ResultsDelivery.LinkState
    package let createdAt: Date
    package let expiresAt: Date?
    package let revokedAt: Date?
    package let revokedBy: String?
    package let accesses: [Access]

    package struct Access: Encodable, Sendable {
        package let accessedAt: Date
        package let clientIp: String
        package let userAgent: String
        package let outcome: LinkAccess.Outcome

        package enum CodingKeys: String, CodingKey {
            case outcome
            case accessedAt = "accessed_at"
            case clientIp = "client_ip"
            case userAgent = "user_agent"
        }
    }

    package enum CodingKeys: String, CodingKey {
        case id, recipient, method, state, accesses
        case orderId = "order_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case revokedBy = "revoked_by"
    }

    init(_ delivery: ResultsDelivery, accesses: [LinkAccess]) {
        id = delivery.id ?? 0
        orderId = delivery.orderId
        recipient = delivery.recipient
        method = delivery.method
        state = delivery.state()
        createdAt = delivery.createdAt
        expiresAt = delivery.expiresAt
        revokedAt = delivery.revokedAt
        revokedBy = delivery.revokedAt == nil ? nil : delivery.revokedBy
        self.accesses = accesses.map {
            Access(accessedAt: $0.accessedAt, clientIp: $0.clientIp, userAgent: $0.userAgent, outcome: $0.outcome)
        }
    }
}

/// Reading, revoking and opening deliveries.
package struct DeliveryStore: Sendable {
    package let database: AppDatabase

    static func notFound(_ id: Int64) -> APIError { APIError.notFound("No results delivery has id \(id).") }

    /// The order's deliveries, newest first, each with its link's accesses (newest first).
    package func deliveries(order: Int64) async throws -> [DeliveryView] {
        try await database.read { db in
            guard try LabOrder.exists(db, key: order) else { throw APIError.notFound("No order has id \(order).") }
            let deliveries = try ResultsDelivery.filter(ResultsDelivery.CodingKeys.orderId == order)
                .order(ResultsDelivery.CodingKeys.id.desc).fetchAll(db)
            let accesses = Dictionary(
                grouping: try LinkAccess.filter(deliveries.compactMap(\.id).contains(LinkAccess.CodingKeys.deliveryId))
                    .order(LinkAccess.CodingKeys.id.desc).fetchAll(db), by: \.deliveryId)
            return deliveries.map { DeliveryView($0, accesses: accesses[$0.id ?? 0] ?? []) }
        }
    }

    /// Ends a link at once; audited on the order. Revoking a link that already ended is refused.
    package func revoke(id: Int64, context: EventContext) async throws -> DeliveryView {
        try await database.write(context) { write in
            guard var delivery = try ResultsDelivery.fetchOne(write.db, key: id) else { throw Self.notFound(id) }
            guard delivery.state() == .active else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: delivery.method == .attach
                        ? "This delivery was an attachment; there is no link to revoke."
                        : "This link has \(delivery.state().rawValue) already.")
            }
            delivery.revokedAt = Date()
            delivery.revokedBy = context.actorName
            try delivery.update(write.db)
            let customer = try LabOrder.fetchOne(write.db, key: delivery.orderId)?.customerId ?? 0
            try write.log(
                "results.link_revoke", entityType: LabOrder.auditEntity, entityID: String(delivery.orderId),
                after: AuditValue.encode([
                    "delivery_id": .integer(id),
                    "recipient": .text(
                        try PersonalData.token(write.db, .customer(customer), delivery.recipient)),
                ]))
            let accesses = try LinkAccess.filter(LinkAccess.CodingKeys.deliveryId == id).fetchAll(write.db)
            return DeliveryView(delivery, accesses: accesses)
        }
    }

    /// The delivery a results link belongs to, after recording the access (shown or refused). An unknown
    /// token is 404 and records nothing (there is no delivery to file it under); an expired or
    /// revoked one is 410 and shows nothing of the order.
    package func open(token: String, clientIP: String, userAgent: String) async throws -> ResultsDelivery {
        let hash = Secrets.hash(token)
        let now = Date()
        let (delivery, outcome) = try await database.write { db -> (ResultsDelivery, LinkAccess.Outcome) in
            guard let delivery = try ResultsDelivery.filter(ResultsDelivery.CodingKeys.tokenHash == hash).fetchOne(db),
                let id = delivery.id
            else { throw APIError.notFound("This results link is not known. Check that it was copied whole.") }
            let outcome: LinkAccess.Outcome =
                switch delivery.state(at: now) {
                case .revoked: .revoked
                case .expired: .expired
                case .active, .sent: .shown
                }
            var access = LinkAccess(
                deliveryId: id, accessedAt: now, clientIp: clientIP,
                userAgent: String(userAgent.prefix(LinkAccess.maxUserAgent)), outcome: outcome)
            try access.insert(db)
            return (delivery, outcome)
        }
        guard outcome == .shown else {
            throw APIError(
                status: .gone, code: "gone",
                message: outcome == .revoked
                    ? "This results link was withdrawn by the laboratory. Contact the laboratory for the report."
                    : "This results link has expired. Contact the laboratory for a new one.")
        }
        return delivery
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
