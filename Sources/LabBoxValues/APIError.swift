/// An error a client can act on: a refusal with a stable code, a message for people and the field
/// to fix. Domain code throws it without knowing HTTP; the server maps ``Status`` to a response
/// status and the body `{"error":{"code","message","field"?,"request_id"}}` (see `ErrorMiddleware`).
package struct APIError: Error, Sendable {
    /// What kind of refusal this is, numbered as the HTTP status clients are documented to receive;
    /// nothing here depends on an HTTP library, and the server turns it into one.
    package struct Status: Sendable, Equatable {
        package let code: Int
        package init(code: Int) { self.code = code }

        package static let badRequest = Status(code: 400)
        package static let unauthorized = Status(code: 401)
        package static let forbidden = Status(code: 403)
        package static let notFound = Status(code: 404)
        package static let conflict = Status(code: 409)
        package static let gone = Status(code: 410)
        package static let contentTooLarge = Status(code: 413)
        package static let unsupportedMediaType = Status(code: 415)
        package static let unprocessableContent = Status(code: 422)
        package static let tooManyRequests = Status(code: 429)
        package static let internalServerError = Status(code: 500)
        package static let serviceUnavailable = Status(code: 503)
        package static let insufficientStorage = Status(code: 507)
    }

    package let status: Status
    package let code: String
    package let message: String
    package var field: String?
    /// Seconds a rate-limited client should wait (the `Retry-After` header).
    package var retryAfter: Int?

    package init(status: Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    package static func notFound(_ message: String = "Nothing is here.") -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    package static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "unauthorized", message: message)
    }

    package static func tooManyRequests(retryAfter seconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, code: "rate_limited", message: "Too many requests. Try again in \(seconds) s.",
            retryAfter: seconds)
    }

    /// Input that parsed but broke a rule: 422, naming the field to fix.
    package static func validationFailed(_ message: String, field: String) -> APIError {
        APIError(status: .unprocessableContent, code: "validation_failed", message: message, field: field)
    }

    package static func invalid(_ message: String, field: String? = nil) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: message, field: field)
    }

    /// The stable error code for a status that reached us without one (router 404, 413 from the body
    /// collector, …).
    package static func code(for status: Int) -> String {
        switch status {
        case 400: "invalid_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 410: "gone"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "validation_failed"
        case 429: "rate_limited"
        case 500...: "internal_error"
        default: "http_\(status)"
        }
    }
}
