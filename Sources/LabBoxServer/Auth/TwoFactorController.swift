import Foundation
import GRDB
import Hummingbird
import LabBoxValues

/// Enrolling, using and removing the TOTP second factor.
package struct TwoFactorController {
    package let identity: Identity
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/account/2fa", .enrolling) { request, context in try await page(request, context) }
        routes.post("/account/2fa/enable", .enrolling) { request, context in try await enable(request, context) }
        routes.post("/account/2fa/disable", .account) { request, context in try await disable(request, context) }
        routes.post("/admin/users/{id}/reset-2fa", .admin) { _, context in
            let id = try context.id()
            guard let actor = context.principal else { throw APIError.unauthorized("Sign in first.") }
            try await remove(userID: id, detail: "reset by \(actor.logDescription)", context: context)
            return Flash(kind: .success, message: "Two-factor sign-in was removed; the user can enrol again.")
                .redirect(to: "/admin/users")
        }
    }

    private func currentUser(_ context: AppRequestContext) async throws -> User {
        // API keys without an owner have no account to protect.
        guard let id = context.principal?.userID, let user = try await identity.users.user(id: id) else {
            throw APIError.notFound("Two-factor sign-in belongs to user accounts.")
        }
        return user
    }

    /// Shows the status, or a fresh secret to enrol (kept unconfirmed until a code proves the app has it).
    private func page(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, recoveryCodes: [String] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var user = try await currentUser(context)
        let secrets = identity.database.secrets
        var setup: (url: String, qrSVG: String, key: String)?
        if !user.totpEnabled {
            // A secret that does not open (restored without its secrets.key) is replaced too.
            if TwoFactor.secret(of: user, secrets: secrets) == nil {
                let sealed = try TwoFactor.sealed(TwoFactor.newSecret(), userID: user.id, secrets: secrets)
                let id = user.id
                user = try await identity.database.write { db in
                    guard var fresh = try User.fetchOne(db, key: id) else { throw APIError.notFound() }
                    fresh.totpSecret = sealed
                    try fresh.update(db)
                    return fresh
                }
            }
            let enrolment = TwoFactor.enrolment(
                secret: TwoFactor.secret(of: user, secrets: secrets) ?? "", email: user.email)
            let key = stride(from: 0, to: enrolment.key.count, by: 4).map { offset in
                let start = enrolment.key.index(enrolment.key.startIndex, offsetBy: offset)
                return String(
                    enrolment.key[
                        start..<(enrolment.key.index(start, offsetBy: 4, limitedBy: enrolment.key.endIndex)
                            ?? enrolment.key.endIndex)])
            }.joined(separator: " ")
            setup = (enrolment.url, (try? QRCode(text: enrolment.url).svg) ?? "", key)
        }
        return pages.page(
            "two-factor", title: "Two-factor sign-in", section: "account", request: request, context: context,
            model: TwoFactorPage(
                enabled: user.totpEnabled, required: identity.mustEnrol(user), otpauth: setup?.url,
                qrSvg: setup?.qrSVG, key: setup?.key, error: error, recoveryCodes: recoveryCodes,
                hasCodes: !recoveryCodes.isEmpty),
            status: status)
    }

    /// `two-factor.mustache`: the enrolment values only while the factor is off.
    struct TwoFactorPage: Encodable {
        let enabled: Bool
        let required: Bool
        let otpauth: String?
        /// Our own markup from our own encoder, so it is inserted unescaped.
        let qrSvg: String?
        let key: String?
        let error: String?
        let recoveryCodes: [String]
        let hasCodes: Bool
    }

    package struct CodeForm: Decodable {
        package let code: String
    }

    private func enable(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: CodeForm.self, context: context)
        let user = try await currentUser(context)
        let event = context.eventContext
        guard !user.totpEnabled, let secret = TwoFactor.secret(of: user, secrets: identity.database.secrets),
            let step = TwoFactor.matchingStep(secret: secret, code: form.code)
        else {
            return try await page(
                request, context, error: "That code does not match. Check the time on your phone and try again.",
                status: .unprocessableContent)
        }
        let codes = try await identity.database.write { db -> [String] in
            guard var fresh = try User.fetchOne(db, key: user.id) else { throw APIError.notFound() }
            fresh.totpEnabled = true
            fresh.totpLastStep = step
            try fresh.update(db)
            try SecurityEvent.record(db, kind: .twoFactorEnabled, user: fresh, event: event, detail: "")
            // Refresh tokens got from the password alone end: from now on tokens need the code too.
            try TokenService.revokeAll(db, userID: fresh.id ?? 0)
            return try TwoFactor.newRecoveryCodes(db, userID: fresh.id ?? 0)
        }
        return try await page(request, context, recoveryCodes: codes)
    }

    package struct DisableForm: Decodable {
        package let password: String
        package let code: String
    }

    /// Removing the factor needs the password and a current code, even inside a session.
    private func disable(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: DisableForm.self, context: context)
        let user = try await currentUser(context)
        guard try await identity.users.verifyPassword(form.password, of: user),
            try await identity.verifySecondFactor(userID: user.id ?? 0, code: form.code, context: context) != nil
        else {
            return try await page(
                request, context, error: "The password or code is not correct.", status: .unprocessableContent)
        }
        try await remove(userID: user.id ?? 0, detail: "by the user", context: context)
        return Flash(kind: .success, message: "Two-factor sign-in is off.").redirect(to: "/account/2fa")
    }

    private func remove(userID: Int64, detail: String, context: AppRequestContext) async throws {
        let event = context.eventContext
        try await identity.database.write { db in
            try TwoFactor.remove(db, userID: userID, detail: detail, event: event)
        }
    }

    package init(identity: Identity, pages: PageRenderer) {
        self.identity = identity
        self.pages = pages
    }
}
