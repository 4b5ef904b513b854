import Foundation
import Hummingbird

/// Decodes request bodies by their content type: JSON for the API, URL-encoded for HTML forms.
/// Anything else is refused with 415 rather than guessed at.
struct AppRequestDecoder: RequestDecoder {
    func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try await decoder.decode(type, from: request, context: context)
        }
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            return try await URLEncodedFormDecoder().decode(type, from: request, context: context)
        }
        throw APIError(
            status: .unsupportedMediaType, code: "unsupported_media_type",
            message: "Send the body as application/json.")
    }
}
