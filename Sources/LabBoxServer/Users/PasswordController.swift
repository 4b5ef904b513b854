import Foundation
import Hummingbird
import LabBoxValues

/// Changing one's own password, and the admin-issued reset links.
package struct PasswordController {
    package let identity: Identity
    package let pages: PageRenderer
    /// LabBox serves TLS itself: links it hands out are `https`.
    package let https: Bool
    /// The host name links use: the first of `security.trusted_hosts`, else the one the admin's
    /// browser used.
    package let publicHost: String?

    package func addRoutes(to routes: RouteTable) {
        routes.get("/account/password", .account) { request, context in
            pages.page(
                "password", title: "Change password", section: "account", request: request, context: context,
                model: PasswordPage(error: nil))
        }
        routes.post("/account/password", .account) { request, context in try await change(request, context) }
        routes.post("/admin/users/{id}/reset-link", .admin) { request, context in
            let (url, expires) = try await issue(request, context)
            return Flash(kind: .success, message: "Reset link, valid until \(pages.time.text(expires)): \(url)")
                .redirect(to: "/admin/users")
        }
        routes.post("/api/v1/users/{id}/reset-link", .admin, .issuePasswordResetLink) { request, context in
            let (url, expires) = try await issue(request, context)
            return ResetLink(url: url, expiresAt: expires)
        }
        routes.get("/reset", .anonymous) { request, context in
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            guard let user = try await identity.users.resetUser(token: token) else {
                throw APIError.notFound(
                    "This reset link is invalid, used or expired. Ask an administrator for a new one.")
            }
            return pages.page(
                "reset", title: "Choose a new password", section: "login", request: request, context: context,
                model: ResetPage(token: token, email: user.email, error: nil))
        }
        routes.post("/reset", .anonymous) { request, context in try await completeReset(request, context) }
    }

    package struct ResetLink: ResponseEncodable {
        package let url: String
        package let expiresAt: Date
        package enum CodingKeys: String, CodingKey {
            case url
            case expiresAt = "expires_at"
        }
    }

    private func issue(_ request: Request, _ context: AppRequestContext) async throws -> (String, Date) {
        guard let actor = context.principal else { throw APIError.unauthorized("Sign in first.") }
        let (token, expires) = try await identity.users.issueReset(
            userID: try context.id(), by: actor, event: context.eventContext)
        let host = publicHost ?? request.head.authority ?? "localhost"
        let scheme = https || context.forwardedHTTPS ? "https" : "http"
        return ("\(scheme)://\(host)/reset?token=\(token)", expires)
    }

    /// `password.mustache`.
    struct PasswordPage: Encodable {
        let error: String?
    }

    package struct ChangeForm: Decodable {
        package let currentPassword: String
        package let newPassword: String
        package enum CodingKeys: String, CodingKey {
            case currentPassword = "current_password"
            case newPassword = "new_password"
        }
    }

    private func change(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ChangeForm.self, context: context)
        guard let userID = context.principal?.userID else { throw APIError.unauthorized("Sign in first.") }
        do {
            try await identity.users.changePassword(
                userID: userID, current: form.currentPassword, new: form.newPassword, event: context.eventContext)
        } catch let error as APIError where error.status == .unprocessableContent {
            return pages.page(
                "password", title: "Change password", section: "account", request: request, context: context,
                model: PasswordPage(error: error.message), status: error.httpStatus)
        }
        return Flash(kind: .success, message: "Password changed. Every session was ended; sign in again.")
            .redirect(to: "/login")
    }

    /// `reset.mustache`: `email` only when the link was just opened.
    struct ResetPage: Encodable {
        let token: String
        let email: String?
        let error: String?
    }

    package struct ResetForm: Decodable {
        package let token: String
        package let password: String
    }

    private func completeReset(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ResetForm.self, context: context)
        do {
            _ = try await identity.users.completeReset(
                token: form.token, password: form.password, event: context.eventContext)
        } catch let error as APIError where error.status == .unprocessableContent {
            return pages.page(
                "reset", title: "Choose a new password", section: "login", request: request, context: context,
                model: ResetPage(token: form.token, email: nil, error: error.message), status: error.httpStatus)
        }
        return Flash(kind: .success, message: "Your password is set. Sign in with it.").redirect(to: "/login")
    }

    package init(identity: Identity, pages: PageRenderer, https: Bool, publicHost: String?) {
        self.identity = identity
        self.https = https
        self.publicHost = publicHost
        self.pages = pages
    }
}
