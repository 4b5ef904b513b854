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
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if contentType.hasPrefix("application/json") {
            // SQLite would keep text only up to a NUL, so a NUL is refused rather than cut.
            try Self.refuseNUL(in: body, escaped: #"\u0000"#)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                guard let date = Timestamp.parse(text) else {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: decoder.codingPath,
                            debugDescription: "'\(text)' is not an RFC 3339 date and time that exists."))
                }
                return date
            }
            return try decoder.decode(type, from: Data(buffer: body))
        }
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            try Self.refuseNUL(in: body, escaped: "%00")
            return try URLEncodedFormDecoder().decode(type, from: String(buffer: body))
        }
        throw APIError(
            status: .unsupportedMediaType, code: "unsupported_media_type",
            message: "Send the body as application/json.")
    }
}

extension AppRequestDecoder {
    /// Refuses a body that carries a NUL character, raw or as `escaped` (`\u0000`, `%00`).
    static func refuseNUL(in body: ByteBuffer, escaped: String) throws {
        let pattern = Array(escaped.lowercased().utf8)
        // The bytes compared in place, ASCII letters folded: Foundation's case-insensitive search of
        // the body as a string was 2 % of an API create, and the standard library's generic
        // `firstRange(of:)` cost more still.
        let found = body.withUnsafeReadableBytes { bytes in
            guard !bytes.contains(0) else { return true }
            guard bytes.count >= pattern.count else { return false }
            return (0...(bytes.count - pattern.count)).contains { start in
                pattern.indices.allSatisfy { offset in
                    let byte = bytes[start + offset]
                    return ((65...90).contains(byte) ? byte | 0x20 : byte) == pattern[offset]
                }
            }
        }
        if found {
            throw APIError(
                status: .unprocessableContent, code: "validation_failed",
                message: "Text may not contain the NUL character.")
        }
    }
}

extension KeyedDecodingContainer {
    /// A field a change may leave out: absent means unchanged, but `null` is a wrong type (400), not
    /// "unchanged", where the document says the field is a string or a boolean.
    package func decodeUnlessAbsent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        contains(key) ? try decode(type, forKey: key) : nil
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
