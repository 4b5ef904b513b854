import Foundation
import Hummingbird
import NIOCore

/// CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, and streamed so that exporting a million
/// rows needs the memory of one batch.
package enum CSVResponse {
    /// RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a formula
    /// (OWASP: a first character of `=`, `+`, `-`, `@`, tab or carriage return). A number such as
    /// `-3.5` stays a number.
    package static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(value) == nil {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    package static func line(_ values: [String]) -> String { values.map(field).joined(separator: ",") + "\r\n" }

    /// A download named `filename`: the header, then each batch `next(afterKey)` returns (rows with
    /// their keys) until one comes back empty.
    package static func stream(
        filename: String, header: [String],
        next: @escaping @Sendable (Int64) async throws -> [(key: Int64, values: [String])]
    ) -> Response {
        let body = ResponseBody { writer in
            try await write(header: header, next: next) { try await writer.write(ByteBuffer(string: $0)) }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"",
            ], body: body)
    }

    /// The header, then each batch `next(afterKey)` returns until one comes back empty, handed to
    /// `output` a batch at a time; returns the number of rows.
    @discardableResult
    package static func write(
        header: [String], next: (Int64) async throws -> [(key: Int64, values: [String])],
        output: (String) async throws -> Void
    ) async throws -> Int {
        try await output(line(header))
        var after: Int64 = 0
        var rows = 0
        while true {
            let batch = try await next(after)
            guard let last = batch.last else { return rows }
            try await output(batch.map { line($0.values) }.joined())
            after = last.key
            rows += batch.count
        }
    }
}
