import HTTPTypes
import Hummingbird

/// The baseline headers every response carries. The CSP forbids inline script and any origin but
/// ours, which is why all JavaScript ships as files under /static.
package struct SecurityHeadersMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    /// Served over TLS: browsers are told to insist on HTTPS from now on.
    package let https: Bool
    package static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    /// Built once: each `HTTPField.Name(_:)` validates and lowercases its name.
    package static let fields = [
        HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy),
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "same-origin"),
        HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY"),
        HTTPField(name: HTTPField.Name("Cross-Origin-Opener-Policy")!, value: "same-origin"),
        HTTPField(name: HTTPField.Name("Permissions-Policy")!, value: "camera=(), microphone=(), geolocation=()"),
    ]

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers.append(contentsOf: Self.fields)
        if https {
            response.headers[.strictTransportSecurity] = "max-age=31536000"
        }
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    package init(https: Bool) {
        self.https = https
    }
}
