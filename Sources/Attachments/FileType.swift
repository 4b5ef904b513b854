import Foundation
import LabBoxValues

/// The kinds of file a record may carry, told by their first bytes (magic numbers), never by the
/// name or the type the client claims: a program renamed `scan.pdf` is still a program.
package enum FileType: String, Sendable, CaseIterable {
    case pdf, png, jpeg, gif, webp, tiff, docx, xlsx, csv, text

    package var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .tiff: "image/tiff"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .csv: "text/csv; charset=utf-8"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// The file name endings that name this type.
    var extensions: [String] {
        switch self {
        case .pdf: ["pdf"]
        case .png: ["png"]
        case .jpeg: ["jpg", "jpeg", "jpe", "jfif"]
        case .gif: ["gif"]
        case .webp: ["webp"]
        case .tiff: ["tif", "tiff"]
        case .docx: ["docx"]
        case .xlsx: ["xlsx"]
        case .csv: ["csv"]
        case .text: ["txt", "text", "log", "md", "tsv"]
        }
    }

    /// What the allow-list says, for error messages and the API documentation.
    package static let allowed = "PDF, PNG, JPEG, GIF, WebP, TIFF, Word (.docx), Excel (.xlsx), CSV or plain text"

    /// The type of `bytes`, which were uploaded as `name`.
    ///
    /// - Throws: 422 `file_type_not_allowed` when the content is none of the allowed types (the
    ///   request itself, multipart, is of a supported type, so not 415); 422 `validation_failed`
    ///   when it is one but the name says it is another (a PNG named `.pdf`): a disguised file is
    ///   refused, not renamed.
    package static func sniff(_ bytes: some Collection<UInt8>, name: String) throws -> FileType {
        guard let type = detect(Array(bytes.prefix(1 << 16)), whole: bytes) else {
            throw APIError(
                status: .unprocessableContent, code: "file_type_not_allowed",
                message: "The content of \(name) is not an allowed type (\(allowed)).", field: "file")
        }
        let ending = name.split(separator: ".").count > 1 ? name.split(separator: ".").last?.lowercased() : nil
        if let ending, let claimed = allCases.first(where: { $0.extensions.contains(ending) }),
            claimed != type, !(claimed.isText && type.isText)
        {
            throw APIError.validationFailed(
                "\(name) is named as \(claimed.label) but its content is \(type.label).", field: "file")
        }
        // Text is CSV when it is named so: both are plain UTF-8, only the name tells them apart.
        if type.isText { return ending == "csv" ? .csv : .text }
        return type
    }

    private var isText: Bool { self == .csv || self == .text }

    private var label: String {
        switch self {
        case .pdf: "a PDF"
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .tiff: "a TIFF image"
        case .docx: "a Word document"
        case .xlsx: "an Excel workbook"
        case .csv, .text: "text"
        }
    }

    private static func detect(_ head: [UInt8], whole: some Collection<UInt8>) -> FileType? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && head[offset..<offset + magic.count].elementsEqual(magic)
        }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return officeDocument(Array(whole)) }
        return isPlainText(whole) ? .text : nil
    }

    /// A zip is allowed only as an Office Open XML document: its entry names say which. Any other
    /// zip (an archive that may hold anything) is refused.
    private static func officeDocument(_ bytes: [UInt8]) -> FileType? {
        let hasTypes = contains(bytes, "[Content_Types].xml")
        if hasTypes && contains(bytes, "word/document.xml") { return .docx }
        if hasTypes && contains(bytes, "xl/workbook.xml") { return .xlsx }
        return nil
    }

    private static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == first && bytes[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// UTF-8 without NUL or other control characters than tab, line feed, form feed and carriage
    /// return: what a text editor or a spreadsheet's CSV export writes.
    private static func isPlainText(_ bytes: some Collection<UInt8>) -> Bool {
        guard !bytes.isEmpty, String(validating: Array(bytes), as: UTF8.self) != nil else { return false }
        return !bytes.contains { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains($0) || $0 == 0x7F }
    }
}
