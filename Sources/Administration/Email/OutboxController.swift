import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The email outbox for admins: `/admin/outbox` and `/api/v1/outbox`, newest first, with a retry
/// for messages that gave up.
package struct OutboxController {
    package let database: AppDatabase
    package let configured: Bool
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/outbox", .admin, .emailOutbox) { request, _ in
            let query = ListQuery(request)
            let items = try await list(query)
            return KeysetPage(
                items: items.map(Item.init),
                next: .before(items.map(\.id), limit: try query.limit()))
        }
        routes.post("/api/v1/outbox/{id}/retry", .admin, .retryMessageThatGaveUp) { _, context in
            try await retry(context)
            return Response(status: .noContent)
        }
        routes.get("/admin/outbox", .admin) { request, context in
            let query = ListQuery(request)
            let items = try await list(query)
            return pages.page(
                "administration/outbox", title: "Email outbox", section: "system", request: request, context: context,
                model: OutboxPage(
                    configured: configured, empty: items.isEmpty,
                    states: EmailMessage.State.allCases.map {
                        .init(value: $0.rawValue, selected: query["state"] == $0.rawValue)
                    },
                    items: items.map { message in
                        OutboxPage.Row(
                            id: message.id ?? 0, recipient: message.recipient, subject: message.subject,
                            state: message.state.rawValue, attempts: message.attempts, error: message.lastError ?? "",
                            dead: message.state == .dead, created: pages.time.text(message.createdAt))
                    },
                    next: query.nextPage(
                        keeping: ["state"], after: .before(items.map(\.id), limit: try query.limit()))))
        }
        routes.post("/admin/outbox/{id}/retry", .admin) { _, context in
            try await retry(context)
            return Flash(kind: .success, message: "The message is queued again.").redirect(to: "/admin/outbox")
        }
    }

    /// `outbox.mustache`.
    struct OutboxPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let recipient: String
            let subject: String
            let state: String
            let attempts: Int
            let error: String
            let dead: Bool
            let created: String
        }
        struct State: Encodable {
            let value: String
            let selected: Bool
        }
        let configured: Bool
        let empty: Bool
        let states: [State]
        let items: [Row]
        /// The query of the next page, nil on the last.
        let next: String?
    }

    package struct Item: Encodable, Sendable {
        package let id: Int64
        package let recipient: String
        package let subject: String
        package let state: EmailMessage.State
        package let attempts: Int
        package let lastError: String?
        package let createdAt: Date
        package let sentAt: Date?

        package init(_ message: EmailMessage) {
            (id, recipient, subject, state) = (message.id ?? 0, message.recipient, message.subject, message.state)
            (attempts, lastError, createdAt, sentAt) =
                (message.attempts, message.lastError, message.createdAt, message.sentAt)
        }

        package enum CodingKeys: String, CodingKey {
            case id, recipient, subject, state, attempts
            case lastError = "last_error"
            case createdAt = "created_at"
            case sentAt = "sent_at"
        }
    }

    private func list(_ query: ListQuery) async throws -> [EmailMessage] {
        let state = try query.choice("state", in: EmailMessage.State.allCases.map(\.rawValue))
            .flatMap(EmailMessage.State.init)
        let before = try query.cursor()?.id
        let limit = try query.limit()
        return try await database.read { db in
            var request = EmailMessage.order(EmailMessage.CodingKeys.id.desc).limit(limit)
            if let state { request = request.filter(EmailMessage.CodingKeys.state == state) }
            if let before { request = request.filter(EmailMessage.CodingKeys.id < before) }
            return try request.fetchAll(db)
        }
    }

    /// Gives a dead message a fresh set of attempts.
    private func retry(_ context: AppRequestContext) async throws {
        let id = try context.id()
        try await database.write(context.eventContext) { write in
            guard var message = try EmailMessage.fetchOne(write.db, key: id), message.state == .dead else {
                throw APIError.notFound("No message that gave up has this id.")
            }
            (message.state, message.attempts, message.nextAttemptAt) = (.queued, 0, Date())
            try message.update(write.db)
            try write.log("retry", entityType: "email", entityID: String(id))
        }
    }

    package init(database: AppDatabase, configured: Bool, pages: PageRenderer) {
        self.database = database
        self.configured = configured
        self.pages = pages
    }
}
