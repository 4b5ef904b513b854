import Foundation
import HTTPTypes
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// Enforces ``AccessPolicy`` for the matched route, and CSRF for cookie-authenticated writes.
///
/// It runs inside the route group, after routing, so it knows which route pattern matched. A route
/// missing from the policy is refused: forgetting to declare a permission fails closed.
package struct AuthorizationMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let identity: Identity
    package let policy: AccessPolicy
    package static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let route = context.endpointPath ?? request.uri.path
        // HEAD is GET without the body, so it needs what GET needs.
        let method = request.method == .head ? HTTPRequest.Method.get : request.method
        guard let permission = policy.permission(method: method.rawValue, path: route) else {
            context.logger.error("route has no declared permission", metadata: ["route": .string(route)])
            throw APIError(status: .forbidden, code: "forbidden", message: "This route is not available.")
        }
        if context.presentedInvalidCredential && request.uri.path.hasPrefix("/api/") {
            throw APIError.unauthorized("The API key or token is unknown, expired or revoked.")
        }
        if permission == .anonymous {
            try checkSameOrigin(request)
            return try await next(request, context)
        }
        guard let principal = context.principal else {
            if request.uri.path.hasPrefix("/api/") {
                throw APIError.unauthorized("Send an API key or access token as 'Authorization: Bearer <key>'.")
            }
            let target =
                request.uri.path == "/"
                ? "/login"
                : "/login?next="
                    + (request.uri.path.addingPercentEncoding(
                        withAllowedCharacters: .urlPathAllowed) ?? "/")
            return Response(status: .seeOther, headers: [.location: target])
        }
        if principal.mustEnrolTwoFactor, permission != .enrolling {
            if request.uri.path.hasPrefix("/api/") {
                throw APIError(
                    status: .forbidden, code: "two_factor_required", message: "Enrol a second factor first.")
            }
            return Response(status: .seeOther, headers: [.location: "/account/2fa"])
        }
        if case .apiKey = principal.credential, [.account, .enrolling].contains(permission) {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "An API key cannot manage an account. Sign in as the person to do this.")
        }
        guard principal.can(permission) else {
            throw APIError(
                status: .forbidden, code: "forbidden", message: "You do not have permission for this (\(permission)).")
        }
        var request = request
        if case .session(_, let csrfToken) = principal.credential, ![.get, .head, .options].contains(request.method) {
            request = try await checkCSRF(request, expected: csrfToken, context: context)
        }
        return try await next(request, context)
    }

    /// Accepts the token from the `X-CSRF-Token` header or the `_csrf` form field (URL-encoded or
    /// multipart). Reading the form consumes the body, so the request goes on with the collected copy.
    private func checkCSRF(_ request: Request, expected: String, context: Context) async throws -> Request {
        if let header = request.headers[Self.csrfHeader] {
            guard Secrets.constantTimeEquals(header, expected) else { throw try await csrfRejected(context) }
            return request
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        // A form with a file input posts multipart/form-data (attachments without script).
        let field =
            if let multipart = try? MultipartForm(contentType: request.headers[.contentType], body: body) {
                multipart.text("_csrf")
            } else {
                (try? URLEncodedFormDecoder().decode(CSRFField.self, from: String(buffer: body)))?.token
            }
        guard let field, Secrets.constantTimeEquals(field, expected) else {
            throw try await csrfRejected(context)
        }
        return request
    }

    private struct CSRFField: Decodable {
        let token: String?
        enum CodingKeys: String, CodingKey { case token = "_csrf" }
    }

    private func csrfRejected(_ context: Context) async throws -> APIError {
        try await identity.record(.csrfRejected, user: nil, context: context, detail: context.endpointPath ?? "")
        return APIError(
            status: .forbidden, code: "csrf_rejected",
            message: "The form was stale or did not come from LabBox. Reload the page and try again.")
    }

    /// Anonymous writes (sign-in, first-run setup) come before any session exists, so a token cannot
    /// protect them; browsers say where a request came from, and a cross-site origin is refused.
    private func checkSameOrigin(_ request: Request) throws {
        guard ![.get, .head, .options].contains(request.method) else { return }
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            throw APIError(status: .forbidden, code: "csrf_rejected", message: "Cross-site requests are refused.")
        }
    }

    package init(identity: Identity, policy: AccessPolicy) {
        self.identity = identity
        self.policy = policy
    }
}
