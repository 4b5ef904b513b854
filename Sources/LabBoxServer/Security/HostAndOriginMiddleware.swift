import HTTPTypes
import Hummingbird
import LabBoxValues

/// Trusted `Host` names and cross-origin (CORS) access, both deny-by-default where configured.
///
/// With `security.trusted_hosts` set, a request naming another host is refused (DNS rebinding,
/// poisoned reset links). CORS is off unless `security.cors_origins` lists origins; only those get
/// `Access-Control-Allow-Origin`, and preflight requests are answered here.
package struct HostAndOriginMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let trustedHosts: [String]
    package let corsOrigins: [String]
    package static let hostHeader = HTTPField.Name("Host")!

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        if !trustedHosts.isEmpty {
            // HTTP/1 puts the Host header into the request's authority; test clients may not.
            let authority = (request.head.authority ?? request.headers[Self.hostHeader] ?? "").lowercased()
            let host = authority.hasPrefix("[") ? authority : String(authority.split(separator: ":").first ?? "")
            guard trustedHosts.contains(host) else {
                throw APIError(status: .badRequest, code: "invalid_host", message: "Unknown host name '\(host)'.")
            }
        }
        guard let origin = request.headers[.origin], corsOrigins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .vary: "Origin",
                    .accessControlAllowMethods: "GET, POST, PATCH, DELETE",
                    .accessControlAllowHeaders: "Authorization, Content-Type, X-Request-ID",
                    .accessControlMaxAge: "600",
                ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[values: .vary].append("Origin")
        return response
    }

    package init(trustedHosts: [String], corsOrigins: [String]) {
        self.trustedHosts = trustedHosts
        self.corsOrigins = corsOrigins
    }
}
