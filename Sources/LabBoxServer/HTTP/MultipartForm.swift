import Foundation
import Hummingbird
import LabBoxValues
import MultipartKit
import NIOCore

/// A `multipart/form-data` body (RFC 7578), read into its parts: how files are uploaded, from the
/// API and from a plain HTML form. The bytes are split by MultipartKit's parser; the part headers
/// (`Content-Disposition: form-data; name="file"; filename="scan.pdf"`) are read here.
package struct MultipartForm: Sendable {
    package struct Part: Sendable {
        package var name: String
        /// The file name the client gave, if this part is a file; only ever shown, never a path.
        package var filename: String?
        package var body: ByteBuffer
    }

    package private(set) var parts: [Part] = []

    /// More parts than any LabBox form has is not a form LabBox made.
    package static let maxParts = 100

    /// The body of `request`, which must be `multipart/form-data` with a boundary.
    package static func read(_ request: Request, context: AppRequestContext) async throws -> MultipartForm {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return try MultipartForm(contentType: request.headers[.contentType], body: body)
    }

    package init(contentType: String?, body: ByteBuffer) throws {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = Self.parameters(contentType)["boundary"], (1...70).contains(boundary.utf8.count)
        else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "Send the file as multipart/form-data with a boundary.")
        }
        let parser = MultipartParser(boundary: boundary)
        var headers: [String: String] = [:]
        var data = ByteBuffer()
        var parts: [Part] = []
        var tooMany = false
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in data.writeBuffer(&chunk) }
        parser.onPartComplete = {
            defer {
                headers = [:]
                data = ByteBuffer()
            }
            guard parts.count < Self.maxParts else {
                tooMany = true
                return
            }
            let disposition = Self.parameters(headers["content-disposition"] ?? "")
            // A part without a name belongs to no field (RFC 7578 §4.2 requires one).
            guard let name = disposition["name"] else { return }
            parts.append(Part(name: name, filename: disposition["filename"], body: data))
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError.invalid("The multipart body is malformed.")
        }
        guard !tooMany else {
            throw APIError.invalid("The form has more than \(Self.maxParts) parts.")
        }
        self.parts = parts
    }

    /// The text of field `name` (the first, if sent more than once).
    package func text(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(buffer: $0.body) }
    }

    /// The files sent as field `name`; a file input left empty sends a part with an empty file name.
    package func files(_ name: String) -> [Part] {
        parts.filter { $0.name == name && $0.filename?.isEmpty == false }
    }

    /// `value; key=token; key="quoted \" string"` → `[key: value]` (keys lowercased). `filename*`
    /// (RFC 5987, `UTF-8''percent-encoded`) wins over `filename`.
    package static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var characters = Substring(header)
        // The leading value (`form-data`, the media type) has no `=`; skip to the first `;`.
        guard let first = characters.firstIndex(of: ";") else { return [:] }
        characters = characters[characters.index(after: first)...]
        while !characters.isEmpty {
            characters = characters.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            let key = characters.prefix { $0 != "=" && $0 != ";" }
            characters = characters.dropFirst(key.count)
            guard characters.first == "=" else { continue }
            characters = characters.dropFirst()
            var value = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                while let character = characters.first, character != "\"" {
                    characters = characters.dropFirst()
                    if character == "\\", let escaped = characters.first {
                        value.append(escaped)
                        characters = characters.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                characters = characters.dropFirst()
            } else {
                value = String(characters.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
                characters = characters.dropFirst(value.count)
            }
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "filename*" {
                let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3, parts[0].lowercased() == "utf-8", let decoded = parts[2].removingPercentEncoding {
                    result["filename"] = decoded
                }
            } else if result[name] == nil || name != "filename" {
                result[name] = value
            }
        }
        return result
    }
}
