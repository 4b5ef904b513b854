import Foundation
import Hummingbird
import LabBoxValues

/// Changing one's own password, the admin-issued reset links, and the ones people ask for by
/// email ("Forgot password?").
package struct PasswordController {
    package let identity: Identity
    package let pages: PageRenderer
    /// LabBox serves TLS itself: links it hands out are `https`.
    package let https: Bool
    /// Where emailed links point (`AppConfig.linkBase`); an admin's link falls back to the host the
    /// admin's browser used, an emailed one is not sent without it.
    package let mail: AccountMail?

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
            guard let user = try await identity.users.resetUser(token: token) else { throw PasswordReset.gone }
            return pages.page(
                "reset", title: "Choose a new password", section: "login", request: request, context: context,
                model: ResetPage(token: token, email: user.email, error: nil))
        }
        routes.post("/reset", .anonymous) { request, context in try await completeReset(request, context) }
        routes.get("/forgot", .anonymous) { request, context in
            pages.page(
                "forgot", title: "Forgot password", section: "login", request: request, context: context,
                model: ForgotPage(available: mail != nil, sent: false, email: ""))
        }
        routes.post("/forgot", .anonymous) { request, context in
            let form = try await request.decode(as: ForgotForm.self, context: context)
            try await requestReset(email: form.email, context)
            return pages.page(
                "forgot", title: "Forgot password", section: "login", request: request, context: context,
                model: ForgotPage(available: true, sent: true, email: form.email))
        }
        routes.post("/api/v1/auth/password-reset", .anonymous, .requestPasswordReset) { request, context in
            let form = try await request.decode(as: ForgotForm.self, context: context)
            try await requestReset(email: form.email, context)
            return EditedResponse(status: .accepted, response: ForgotAnswer(message: Self.sentMessage))
        }
    }

    package static let sentMessage =
        "If an account uses this address, a link to choose a new password is on its way. It works once, within 30 minutes."

    /// `forgot.mustache`: the form, or (after sending) the answer that never says whether the
    /// account exists.
    struct ForgotPage: Encodable {
        let available: Bool
        let sent: Bool
        let email: String
        var message = PasswordController.sentMessage
    }

    package struct ForgotForm: Decodable {
        package let email: String
    }

    package struct ForgotAnswer: ResponseEncodable {
        package let message: String
    }

    /// Emails a reset link when `email` is an active account's, and does the same work (a
    /// transaction recording a security event) when it is not, so neither the answer nor its time
    /// tells whether the account exists. Limited per client address (429) and per email address
    /// (silently: the answer stays the same).
    private func requestReset(email: String, _ context: AppRequestContext) async throws {
        let email = email.trimmingCharacters(in: .whitespaces)
        guard email.count <= SecurityEvent.maxEmail, email.firstMatch(of: /^[^@\s]+@[^@\s]+$/) != nil else {
            throw APIError.validationFailed("Enter your email address.", field: "email")
        }
        guard let mail else {
            throw APIError(
                status: .conflict, code: "conflict",
                message: "Reset by email is off until lab.public_url is set. Ask your LabBox administrator.")
        }
        if let retryAfter = identity.resetLimiter.take(context.clientIP) {
            throw APIError.tooManyRequests(retryAfter: retryAfter)
        }
        guard identity.resetAccountLimiter.take(email.lowercased()) == nil else { return }
        try await identity.users.requestReset(email: email, mail: mail, event: context.eventContext)
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
        let base =
            mail?.linkBase
            ?? "\(https || context.forwardedHTTPS ? "https" : "http")://\(request.head.authority ?? "localhost")"
        return ("\(base)/reset?token=\(token)", expires)
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

    package init(identity: Identity, pages: PageRenderer, https: Bool, mail: AccountMail?) {
        self.identity = identity
        self.https = https
        self.mail = mail
        self.pages = pages
    }
}
