import Foundation
import Hummingbird
import LabBoxValues

/// Decodes request bodies by their content type: JSON for the API, URL-encoded for HTML forms.
/// Anything else is refused with 415 rather than guessed at.
package struct AppRequestDecoder: RequestDecoder {
    package func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws
        -> T
    {
        // Hummingbird turns decoding errors into a 400 without the field; map them here instead,
        // so the client learns which field to fix.
        do {
            return try await decodeBody(type, from: request, context: context)
        } catch let error as DecodingError {
            throw APIError(error)
        }
    }

    private func decodeBody<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
        async throws -> T
    {
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

extension APIError {
    /// A 400 naming the field a decoding error is about.
    package init(_ error: DecodingError) {
        self = .invalid(Self.message(error), field: Self.field(error))
    }

    private static func field(_ error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: path = []
        }
        let joined = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return joined.isEmpty ? nil : joined
    }

    private static func message(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "The field '\(key.stringValue)' is required."
        case .typeMismatch(let type, _): "The field has the wrong type; expected \(type)."
        case .valueNotFound(let type, _): "The field must not be null; expected \(type)."
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "The body is not valid JSON." : context.debugDescription
        @unknown default: "The body could not be read."
        }
    }
}
