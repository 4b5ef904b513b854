import Hummingbird

/// Finds out who is calling: `Authorization: Bearer` (an API key or an access token) or the
/// session cookie. It rejects nothing itself; ``AuthorizationMiddleware`` decides per route.
/// A credential that is presented but invalid is remembered, so the API can answer 401 for it.
package struct AuthenticationMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let identity: Identity

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var context = context
        if let authorization = request.headers[.authorization] {
            context.principal = try await identity.principal(bearer: authorization)
            context.presentedInvalidCredential = context.principal == nil
        } else if let token = request.cookies[SessionStore.cookieName]?.value {
            context.principal = try await identity.sessions.principal(token: token)
        }
        if let principal = context.principal {
            context.logger[metadataKey: "principal"] = .string(principal.logDescription)
        }
        return try await next(request, context)
    }

    package init(identity: Identity) {
        self.identity = identity
    }
}
