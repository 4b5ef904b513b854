import Foundation
import Hummingbird

/// An error a client can act on. It becomes `{"error":{"code","message","field"?,"request_id"}}` on
/// the API and a readable page in the browser (see ``ErrorMiddleware``).
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var field: String?
    /// Extra response headers, e.g. `Retry-After`.
    var headers: HTTPFields = [:]

    static func notFound(_ message: String = "Nothing is here.") -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "unauthorized", message: message)
    }

    static func tooManyRequests(retryAfter seconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, code: "rate_limited",
            message: "Too many requests. Try again in \(seconds) s.", headers: [.retryAfter: String(seconds)])
    }

    /// Input that parsed but broke a rule: 422, naming the field to fix.
    static func validationFailed(_ message: String, field: String) -> APIError {
        APIError(status: .unprocessableContent, code: "validation_failed", message: message, field: field)
    }

    static func invalid(_ message: String, field: String? = nil) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: message, field: field)
    }

    /// The stable error code for a status that reached us without one (router 404, 413 from the body
    /// collector, …).
    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "invalid_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "validation_failed"
        case 429: "rate_limited"
        case 500...: "internal_error"
        default: "http_\(status.code)"
        }
    }
}

/// The JSON body of every API error.
struct ErrorBody: Codable {
    struct Detail: Codable {
        let code: String
        let message: String
        let field: String?
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case code, message, field
            case requestID = "request_id"
        }
    }
    let error: Detail
}
