import Foundation
import Hummingbird

/// `/api/v1/auth`: who am I.
struct AuthAPIController {
    let identity: Identity

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("/api/v1/auth/me") { _, context in try me(context) }
    }

    struct Me: ResponseEncodable {
        let kind: String
        let userId: Int64?
        let email: String?
        let displayName: String
        let role: Role?
        let scopes: [String]?

        enum CodingKeys: String, CodingKey {
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
}
