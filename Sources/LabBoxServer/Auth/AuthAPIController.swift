import Foundation
import Hummingbird
import LabBoxValues

/// `/api/v1/auth`: tokens for interactive API clients, and who am I.
package struct AuthAPIController {
    package let identity: Identity

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/auth/me", .signedIn, .whoAmI) { _, context in try me(context) }
        routes.post("/api/v1/auth/token", .anonymous, .signInForAccessToken) { request, context in
            try await token(request, context)
        }
        routes.post("/api/v1/auth/refresh", .anonymous, .exchangeRefreshToken) { request, context in
            try await refresh(request, context)
        }
    }

    package struct TokenRequest: Decodable {
        package let email: String
        package let password: String
        /// The current TOTP code or a recovery code, for accounts with a second factor.
        package let totp: String?
    }

    package struct RefreshRequest: Decodable {
        package let refreshToken: String
        package enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }

    package struct TokenResponse: ResponseEncodable {
        package let accessToken: String
        package let refreshToken: String
        package let tokenType = "Bearer"
        package let expiresIn: Int

        package init(_ pair: TokenService.Pair) {
            (accessToken, refreshToken, expiresIn) = (pair.accessToken, pair.refreshToken, pair.expiresIn)
        }

        package enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
        }
    }

    private func token(_ request: Request, _ context: AppRequestContext) async throws -> TokenResponse {
        let body = try await request.decode(as: TokenRequest.self, context: context)
        var user = try await identity.verify(email: body.email, password: body.password, context: context)
        if user.totpEnabled {
            guard let code = body.totp else {
                throw APIError(
                    status: .unauthorized, code: "totp_required", message: "This account needs its TOTP code.",
                    field: "totp")
            }
            guard
                let verified = try await identity.verifySecondFactor(userID: user.id ?? 0, code: code, context: context)
            else { throw APIError.unauthorized("The TOTP code is not valid.") }
            user = verified
        }
        if identity.mustEnrol(user) { throw Self.enrolFirst }
        try await identity.record(.loginSucceeded, user: user, context: context, detail: "API token")
        return TokenResponse(try await identity.tokens.issue(for: user, event: context.eventContext))
    }

    private func refresh(_ request: Request, _ context: AppRequestContext) async throws -> TokenResponse {
        let body = try await request.decode(as: RefreshRequest.self, context: context)
        switch try await identity.tokens.refresh(
            body.refreshToken, event: context.eventContext, mustEnrol: identity.mustEnrol)
        {
        case .renewed(let pair, _):
            return TokenResponse(pair)
        case .reused(let user):
            try await identity.record(
                .tokenReuse, user: user, context: context, detail: "refresh token reused; its family was revoked")
            throw APIError.unauthorized("This refresh token was already used; sign in again.")
        case .invalid:
            throw APIError.unauthorized("The refresh token is unknown, expired or revoked.")
        case .secondFactorRequired:
            throw Self.enrolFirst
        }
    }

    private static let enrolFirst = APIError(
        status: .forbidden, code: "two_factor_required",
        message: "Enrol a second factor in the web interface first (Account → Two-factor).")

    package struct Me: ResponseEncodable {
        package let kind: String
        package let userId: Int64?
        package let email: String?
        package let displayName: String
        package let role: Role?
        package let scopes: [String]?

        package enum CodingKeys: String, CodingKey {
            case kind, email, role, scopes
            case userId = "user_id"
            case displayName = "display_name"
        }
    }

    private func me(_ context: AppRequestContext) throws -> Me {
        guard let principal = context.principal else { throw APIError.unauthorized("Sign in first.") }
        let kind: String
        var scopes: [String]?
        switch principal.credential {
        case .session: kind = "session"
        case .accessToken: kind = "access_token"
        case .apiKey(_, let keyScopes):
            kind = "api_key"
            scopes = keyScopes.sorted()
        }
        return Me(
            kind: kind, userId: principal.userID, email: principal.email, displayName: principal.displayName,
            role: principal.role, scopes: scopes)
    }

    package init(identity: Identity) {
        self.identity = identity
    }
}
