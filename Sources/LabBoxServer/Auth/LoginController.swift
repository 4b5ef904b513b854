import Foundation
import Hummingbird
import LabBoxValues

/// Sign-in and sign-out pages, and the first-run creation of the first administrator.
package struct LoginController {
    package let identity: Identity
    package let pages: PageRenderer
    package let setup: FirstRunSetup
    package let secureCookies: Bool

    package func addRoutes(to routes: RouteTable) {
        routes.get("/login", .anonymous) { request, context in loginPage(request, context) }
        routes.post("/login", .anonymous) { request, context in try await login(request, context) }
        routes.post("/login/2fa", .anonymous) { request, context in try await secondFactor(request, context) }
        routes.post("/logout", .enrolling) { request, context in try await logout(request, context) }
        routes.get("/setup", .anonymous) { request, context in try setupPage(request, context) }
        routes.post("/setup", .anonymous) { request, context in try await createFirstAdmin(request, context) }
    }

    package struct LoginForm: Decodable {
        package let email: String
        package let password: String
        package let next: String?
    }

    private func loginPage(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, email: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        pages.page(
            "login", title: "Sign in", section: "login", request: request, context: context,
            model: LoginPage(
                error: error, email: email, next: Self.safeNext(request.uri.queryParameters["next"].map(String.init))),
            status: status)
    }

    /// `login.mustache`.
    struct LoginPage: Encodable {
        let error: String?
        let email: String
        let next: String
    }

    private func login(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: LoginForm.self, context: context)
        let user: User
        do {
            user = try await identity.verify(email: form.email, password: form.password, context: context)
        } catch let error as APIError where error.status == .unauthorized {
            return loginPage(request, context, error: error.message, email: form.email, status: .unauthorized)
        }
        if user.totpEnabled {
            return secondFactorPage(
                request, context, challenge: identity.challenges.issue(userID: user.id ?? 0), next: form.next)
        }
        return try await startSession(user, request, context, next: form.next)
    }

    private func startSession(_ user: User, _ request: Request, _ context: AppRequestContext, next: String?)
        async throws -> Response
    {
        let token = try await identity.sessions.start(
            user: user, userAgent: request.headers[.userAgent] ?? "", event: context.eventContext)
        let target = identity.mustEnrol(user) ? "/account/2fa" : Self.safeNext(next)
        var response = Response(status: .seeOther, headers: [.location: target])
        response.setCookie(sessionCookie(token, maxAge: Int(identity.sessions.lifetime), context))
        return response
    }

    package struct SecondFactorForm: Decodable {
        package let challenge: String
        package let code: String
        package let next: String?
    }

    private func secondFactorPage(
        _ request: Request, _ context: AppRequestContext, challenge: String, next: String?, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        pages.page(
            "login-2fa", title: "Second step", section: "login", request: request, context: context,
            model: SecondFactorPage(challenge: challenge, next: Self.safeNext(next), error: error), status: status)
    }

    /// `login-2fa.mustache`.
    struct SecondFactorPage: Encodable {
        let challenge: String
        let next: String
        let error: String?
    }

    private func secondFactor(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: SecondFactorForm.self, context: context)
        guard let userID = identity.challenges.attempt(form.challenge) else {
            return loginPage(
                request, context, error: "The sign-in took too long or had too many wrong codes; start again.",
                status: .unauthorized)
        }
        guard let user = try await identity.verifySecondFactor(userID: userID, code: form.code, context: context) else {
            return secondFactorPage(
                request, context, challenge: form.challenge, next: form.next,
                error: "That code is not valid. Use the current code from your app, or a recovery code.",
                status: .unauthorized)
        }
        identity.challenges.finish(form.challenge)
        return try await startSession(user, request, context, next: form.next)
    }

    private func logout(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        if case .session(let id, _) = context.principal?.credential, let userID = context.principal?.userID {
            try await identity.sessions.revoke(id: id, userID: userID, kind: .logout, event: context.eventContext)
        }
        var response = Flash(kind: .info, message: "You are signed out.").redirect(to: "/login")
        response.setCookie(sessionCookie("", maxAge: 0, context))
        return response
    }

    /// `Secure` with LabBox's own TLS, or when a trusted proxy terminated TLS for the client.
    private func sessionCookie(_ token: String, maxAge: Int, _ context: AppRequestContext) -> Cookie {
        Cookie(
            name: SessionStore.cookieName, value: token, maxAge: maxAge, path: "/",
            secure: secureCookies || context.forwardedHTTPS, httpOnly: true, sameSite: .lax)
    }

    /// Only local paths are followed after sign-in, never another site (open redirect).
    package static func safeNext(_ next: String?) -> String {
        // Browsers drop tabs and line breaks from a URL, so `/\t/evil.example` would be `//evil.example`.
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { return "/" }
        return next
    }

    package struct SetupForm: Decodable {
        package let token: String
        package let email: String
        package let displayName: String
        package let password: String

        package enum CodingKeys: String, CodingKey {
            case token, email, password
            case displayName = "display_name"
        }
    }

    private func setupPage(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        guard setup.isValid(token) else {
            throw APIError.notFound("This setup link is invalid or has expired. Restart labbox serve for a new one.")
        }
        return pages.page(
            "setup", title: "Create the first administrator", section: "login", request: request, context: context,
            model: SetupPage(token: token, error: nil, email: "", name: ""))
    }

    /// `setup.mustache`.
    struct SetupPage: Encodable {
        let token: String
        let error: String?
        let email: String
        let name: String
    }

    private func createFirstAdmin(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: SetupForm.self, context: context)
        guard setup.isValid(form.token), try await identity.users.count() == 0 else {
            throw APIError.notFound("This setup link is invalid or has expired. Restart labbox serve for a new one.")
        }
        let new = UserStore.NewUser(
            email: form.email, displayName: form.displayName, role: .admin, password: form.password)
        do {
            try UserStore.validate(new)
        } catch let error as APIError {
            return pages.page(
                "setup", title: "Create the first administrator", section: "login", request: request,
                context: context,
                model: SetupPage(token: form.token, error: error.message, email: form.email, name: form.displayName),
                status: .unprocessableContent)
        }
        guard setup.consume(form.token) else { throw APIError.notFound("This setup link was just used.") }
        _ = try await identity.users.create(new, by: nil, event: context.eventContext)
        return Flash(kind: .success, message: "Administrator created. Sign in with your new account.")
            .redirect(to: "/login")
    }

    package init(identity: Identity, pages: PageRenderer, setup: FirstRunSetup, secureCookies: Bool) {
        self.identity = identity
        self.pages = pages
        self.setup = setup
        self.secureCookies = secureCookies
    }
}
