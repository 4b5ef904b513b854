import Hummingbird
import LabBoxValues

/// `limits.requests_per_second` per API key, or per client address for everyone else; beyond it,
/// 429 with `Retry-After`. Liveness (`/healthz`) is exempt so a supervisor never sees LabBox as down.
package struct RateLimitMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let limiter: RateLimiter

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        // Liveness costs nothing and supervisors poll it; readiness touches the database, so it is limited.
        if request.uri.path == "/healthz" { return try await next(request, context) }
        let key: String =
            if case .apiKey(let id, _) = context.principal?.credential { "key:\(id)" } else { "ip:\(context.clientIP)" }
        if let retryAfter = limiter.take(key) {
            throw APIError.tooManyRequests(retryAfter: retryAfter)
        }
        return try await next(request, context)
    }

    package init(limiter: RateLimiter) {
        self.limiter = limiter
    }
}
