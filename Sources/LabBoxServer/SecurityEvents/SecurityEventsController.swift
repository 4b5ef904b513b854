import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// Security events for admins and auditors: a filterable page and `/api/v1/security-events`,
/// newest first, paged by id.
package struct SecurityEventsController {
    package let database: AppDatabase
    package let blocks: IPBlocks
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/admin/security", .securityRead) { request, context in try await page(request, context) }
        routes.get("/api/v1/security-events", .securityRead, .securityEvents) { request, _ in
            try await listJSON(request)
        }
        routes.get("/api/v1/ip-blocks", .securityRead, .blockedClientAddresses) { _, _ in
            BlockList(items: try await blocks.current().map { .init(block: $0) })
        }
        routes.delete("/api/v1/ip-blocks/{ip}", .admin, .liftBlock) { _, context in
            try await lift(context)
            return Response(status: .noContent)
        }
        routes.post("/admin/ip-blocks/{ip}/lift", .admin) { _, context in
            try await lift(context)
            return Flash(kind: .success, message: "The block was lifted.").redirect(to: "/admin/security")
        }
    }

    package struct BlockList: ResponseEncodable {
        package struct Item: Encodable {
            package let ip: String
            package let reason: String
            package let blockedAt: Date
            package let expiresAt: Date

            package init(block: IPBlock) {
                (ip, reason, blockedAt, expiresAt) = (block.ip, block.reason, block.blockedAt, block.expiresAt)
            }

            package enum CodingKeys: String, CodingKey {
                case ip, reason
                case blockedAt = "blocked_at"
                case expiresAt = "expires_at"
            }
        }
        package let items: [Item]
    }

    private func lift(_ context: AppRequestContext) async throws {
        guard let actor = context.principal else { throw APIError.unauthorized("Sign in first.") }
        let ip = try context.parameters.require("ip")
        try await blocks.lift(ip, by: actor, event: context.eventContext)
    }

    package struct Filter {
        package var kind: SecurityEvent.Kind?
        package var email: String?
        package var before: Int64?

        package init(_ request: Request) throws {
            let query = ListQuery(request)
            if let raw = query["kind"] {
                guard let kind = SecurityEvent.Kind(rawValue: raw) else {
                    throw APIError.invalid("Unknown event kind '\(raw)'.", field: "kind")
                }
                self.kind = kind
            }
            if let email = query.parameters["email"], !email.isEmpty { self.email = email }
            before = try query.id("before")
        }
    }

    /// One page of events matching `filter`, and the id to continue before, if there are more.
    private func events(_ filter: Filter) async throws -> ([SecurityEvent], Int64?) {
        let rows = try await database.read { db in
            var request = SecurityEvent.order(Column("id").desc)
            if let kind = filter.kind { request = request.filter(Column("kind") == kind.rawValue) }
            if let email = filter.email { request = request.filter(Column("email") == email) }
            if let before = filter.before { request = request.filter(Column("id") < before) }
            return try request.limit(Self.pageSize + 1).fetchAll(db)
        }
        let page = Array(rows.prefix(Self.pageSize))
        return (page, rows.count > Self.pageSize ? page.last?.id : nil)
    }

    package struct EventList: ResponseEncodable {
        package struct Item: Encodable {
            package let id: Int64
            package let occurredAt: Date
            package let kind: String
            package let userId: Int64?
            package let email: String?
            package let clientIp: String
            package let requestId: String
            package let detail: String

            package enum CodingKeys: String, CodingKey {
                case id, kind, email, detail
                case occurredAt = "occurred_at"
                case userId = "user_id"
                case clientIp = "client_ip"
                case requestId = "request_id"
            }
        }
        package let items: [Item]
        package let nextBefore: Int64?

        package enum CodingKeys: String, CodingKey {
            case items
            case nextBefore = "next_before"
        }
    }

    private func listJSON(_ request: Request) async throws -> EventList {
        let (events, next) = try await events(try Filter(request))
        return EventList(
            items: events.map {
                .init(
                    id: $0.id ?? 0, occurredAt: $0.occurredAt, kind: $0.kind.rawValue, userId: $0.userId,
                    email: $0.email, clientIp: $0.clientIp, requestId: $0.requestId, detail: $0.detail)
            }, nextBefore: next)
    }

    private func page(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let filter = try Filter(request)
        let (events, next) = try await events(filter)
        let rows = events.map { event in
            SecurityPage.Event(
                time: pages.time.text(event.occurredAt), kind: event.kind.rawValue,
                failure: [.loginFailed, .lockout, .csrfRejected, .tokenReuse, .rateLimited].contains(event.kind),
                email: event.email ?? "", ip: event.clientIp, detail: event.detail)
        }
        var nextQuery: String?
        if let next {
            var items = [URLQueryItem(name: "before", value: String(next))]
            if let kind = filter.kind { items.append(URLQueryItem(name: "kind", value: kind.rawValue)) }
            if let email = filter.email { items.append(URLQueryItem(name: "email", value: email)) }
            var components = URLComponents()
            components.queryItems = items
            nextQuery = components.percentEncodedQuery
        }
        let blockRows = try await blocks.current().map { block in
            SecurityPage.Block(
                ip: block.ip, reason: block.reason, until: pages.time.text(block.expiresAt),
                canLift: context.principal?.can(.admin) == true)
        }
        return pages.page(
            "security", title: "Security events", section: "security", request: request, context: context,
            model: SecurityPage(
                blocks: blockRows, hasBlocks: !blockRows.isEmpty, events: rows, empty: rows.isEmpty, next: nextQuery,
                kinds: SecurityEvent.Kind.allCases.map { .init(value: $0.rawValue, selected: $0 == filter.kind) },
                email: filter.email ?? ""))
    }

    /// `security.mustache`.
    struct SecurityPage: Encodable {
        struct Block: Encodable {
            let ip: String
            let reason: String
            let until: String
            let canLift: Bool
        }
        struct Event: Encodable {
            let time: String
            let kind: String
            let failure: Bool
            let email: String
            let ip: String
            let detail: String
        }
        struct Kind: Encodable {
            let value: String
            let selected: Bool
        }
        let blocks: [Block]
        let hasBlocks: Bool
        let events: [Event]
        let empty: Bool
        let next: String?
        let kinds: [Kind]
        let email: String
    }

    package init(database: AppDatabase, blocks: IPBlocks, pages: PageRenderer) {
        self.database = database
        self.blocks = blocks
        self.pages = pages
    }
}
