import Foundation
import HTTPTypes
import Hummingbird
import LabBoxValues

/// Behind a reverse proxy every request comes from the proxy. When the peer is one of
/// `security.trusted_proxies`, the client is the right-most address of `X-Forwarded-For` that is
/// not itself a trusted proxy (the left part is whatever the client chose to send), and
/// `X-Forwarded-Proto: https` says the client used TLS. Anyone else's forwarding headers are ignored.
package struct ClientAddressMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let trustedProxies: [CIDR]
    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard !trustedProxies.isEmpty, isTrusted(context.clientIP) else { return try await next(request, context) }
        var context = context
        let chain = request.headers[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let client = chain.last(where: { !isTrusted($0) }), CIDR(client) != nil {
            context.clientIP = client
        }
        context.forwardedHTTPS = request.headers[Self.forwardedProto]?.lowercased() == "https"
        return try await next(request, context)
    }

    private func isTrusted(_ ip: String) -> Bool { trustedProxies.contains { $0.contains(ip) } }

    package init(trustedProxies: [CIDR]) {
        self.trustedProxies = trustedProxies
    }
}
