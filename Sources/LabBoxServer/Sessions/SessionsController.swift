import Foundation
import Hummingbird
import LabBoxValues

/// "My sessions": every browser signed in to the account, with a way to end each one.
package struct SessionsController {
    package let identity: Identity
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/account/sessions", .account) { request, context in try await list(request, context) }
        routes.post("/account/sessions/{id}/revoke", .account) { request, context in try await revoke(request, context)
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let userID = context.principal?.userID else { throw APIError.notFound() }
        let currentID: Int64? =
            if case .session(let id, _) = context.principal?.credential { id } else { nil }
        let sessions = try await identity.sessions.active(userID: userID).map { session in
            SessionsPage.Row(
                id: session.id ?? 0, device: session.userAgent.isEmpty ? "Unknown device" : session.userAgent,
                ip: session.clientIp, signedIn: pages.time.text(session.createdAt),
                lastSeen: pages.time.text(session.lastSeenAt), current: session.id == currentID)
        }
        return pages.page(
            "sessions", title: "My sessions", section: "account", request: request, context: context,
            model: SessionsPage(sessions: sessions, empty: sessions.isEmpty))
    }

    /// `sessions.mustache`.
    struct SessionsPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let device: String
            let ip: String
            let signedIn: String
            let lastSeen: String
            let current: Bool
        }
        let sessions: [Row]
        let empty: Bool
    }

    private func revoke(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let userID = context.principal?.userID else { throw APIError.notFound() }
        let id = try context.id()
        try await identity.sessions.revoke(id: id, userID: userID, event: context.eventContext)
        return Flash(kind: .success, message: "The session was ended.").redirect(to: "/account/sessions")
    }

    package init(identity: Identity, pages: PageRenderer) {
        self.identity = identity
        self.pages = pages
    }
}
