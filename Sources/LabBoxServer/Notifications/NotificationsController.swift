import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// The signed-in user's notifications: the `/notifications` page, the bell's unread count and
/// `/api/v1/notifications`. Only people have notifications; a key without an owner has none.
package struct NotificationsController {
    package let database: AppDatabase
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/notifications", .signedIn, .myNotifications) { request, context in
            let query = ListQuery(request)
            let items = try await list(
                userID: owner(context), unreadOnly: query["unread"] == "true", before: try query.cursor()?.id,
                limit: try query.limit())
            return KeysetPage(
                items: items,
                next: .before(items.map(\.id), limit: try query.limit()))
        }
        routes.get("/api/v1/notifications/unread", .signedIn, .myUnreadCount) { _, context in
            UnreadCount(unread: try await unread(userID: owner(context)))
        }
        routes.post("/api/v1/notifications/{id}/read", .signedIn, .markNotificationRead) { _, context in
            try await markRead(userID: owner(context), id: try context.id())
            return Response(status: .noContent)
        }
        routes.post("/api/v1/notifications/read-all", .signedIn, .markAllMyNotificationsRead) { _, context in
            try await markRead(userID: owner(context), id: nil)
            return Response(status: .noContent)
        }
        routes.get("/notifications", .signedIn) { request, context in try await page(request, context) }
        routes.post("/notifications/{id}/read", .signedIn) { _, context in
            let id = try context.id()
            try await markRead(userID: owner(context), id: id)
            let link = try await database.read { db in
                try Notification.filter(key: id).fetchOne(db)?.link
            }
            return Response(status: .seeOther, headers: [.location: link ?? "/notifications"])
        }
        routes.post("/notifications/read-all", .signedIn) { _, context in
            try await markRead(userID: owner(context), id: nil)
            return Flash(kind: .success, message: "All notifications marked as read.").redirect(to: "/notifications")
        }
    }

    package struct UnreadCount: ResponseEncodable {
        package let unread: Int
    }

    /// Notifications belong to people: a key without an owner simply has none.
    private func owner(_ context: AppRequestContext) -> Int64? { context.principal?.userID }

    /// The bell asks every minute on every open page, so the count is cached until the user's
    /// notifications change.
    private func unread(userID: Int64?) async throws -> Int {
        guard let userID else { return 0 }
        return try await database.cache.value(
            "notifications.unread:\(userID)", tags: [TableInvalidation.tag(Notification.databaseTableName)],
            ttl: .seconds(600), cost: 64
        ) { [database] in
            try await database.read { try Notification.unreadCount($0, userID: userID) }
        }
    }

    private func list(userID: Int64?, unreadOnly: Bool, before: Int64?, limit: Int) async throws -> [Notification] {
        guard let userID else { return [] }
        return try await database.read { db in
            var request = Notification.filter(Notification.CodingKeys.userId == userID)
            if unreadOnly { request = request.filter(Notification.CodingKeys.readAt == nil) }
            if let before { request = request.filter(Notification.CodingKeys.id < before) }
            return try request.order(Notification.CodingKeys.id.desc).limit(limit).fetchAll(db)
        }
    }

    private func markRead(userID: Int64?, id: Int64?) async throws {
        guard let userID else {
            if id != nil { throw APIError.notFound("No such notification.") }
            return
        }
        try await database.write { db in
            var request = Notification.filter(
                Notification.CodingKeys.userId == userID && Notification.CodingKeys.readAt == nil)
            if let id {
                guard
                    try Notification.filter(key: id).filter(Notification.CodingKeys.userId == userID).isEmpty(db)
                        == false
                else { throw APIError.notFound("No such notification.") }
                request = request.filter(key: id)
            }
            try request.updateAll(db, Notification.CodingKeys.readAt.set(to: Date()))
        }
    }

    private func page(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let items = try await list(
            userID: owner(context), unreadOnly: false, before: try query.cursor()?.id, limit: Self.pageSize)
        return pages.page(
            "notifications", title: "Notifications", section: "notifications", request: request, context: context,
            model: NotificationsPage(
                empty: items.isEmpty, anyUnread: items.contains { $0.readAt == nil },
                items: items.map { item in
                    NotificationsPage.Item(
                        id: item.id ?? 0, title: item.title, body: item.body, kind: item.kind.rawValue,
                        unread: item.readAt == nil, time: pages.time.text(item.createdAt),
                        hasLink: item.link != nil, link: item.link ?? "")
                },
                next: query.nextPage(keeping: [], after: .before(items.map(\.id), limit: Self.pageSize))))
    }

    /// `notifications.mustache`.
    struct NotificationsPage: Encodable {
        struct Item: Encodable {
            let id: Int64
            let title: String
            let body: String
            let kind: String
            let unread: Bool
            let time: String
            let hasLink: Bool
            let link: String
        }
        let empty: Bool
        let anyUnread: Bool
        let items: [Item]
        /// The query of the next page, nil on the last.
        let next: String?
    }

    package init(database: AppDatabase, pages: PageRenderer) {
        self.database = database
        self.pages = pages
    }
}
