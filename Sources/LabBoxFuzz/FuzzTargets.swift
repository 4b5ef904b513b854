import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The parsers that read bytes someone else chose, each as a function of those bytes. Refusing an
/// input with an error is fine; a crash, a hang or a broken promise (``promise(_:_:)``) is a finding.
enum FuzzTargets {
    static let all: [String: @Sendable (Data) -> Void] = [
        "tar": tar, "csv": csv, "cron": cron, "form": form, "barcode": barcode, "multipart": multipart,
    ]

    /// A restore's tar layer (the gzip layer is zlib's): members unpack to the size their header
    /// states, and only names a backup may hold are written.
    static func tar(_ data: Data) {
        let directory = scratch.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Small limits: a header stating gigabytes must not fill the disk of the machine fuzzing.
        var unpacker = TarReader.Unpacker(
            directory: directory, limits: .init(bytes: 1 << 20, files: 64), allowed: BackupManifest.allows)
        // Fed in pieces of a size the input chooses, as decompression hands them over.
        let bytes = [UInt8](data)
        let piece = Int(bytes.first ?? 0) * 7 + 1
        do {
            for start in stride(from: 0, to: bytes.count, by: piece) {
                try unpacker.consume(Array(bytes[start..<min(start + piece, bytes.count)]))
            }
            for (name, member) in try unpacker.finish() {
                let path = directory.appendingPathComponent(name).path
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
                promise(BackupManifest.allows(name), "\(name) was unpacked")
                promise(size == member.size, "\(name) unpacked to \(size ?? -1) bytes, its header says \(member.size)")
            }
        } catch {}
    }

    /// CSV imports: rows carry only known columns, and a table LabBox exports reads back the same.
    static func csv(_ data: Data) {
        let columns = ["external_id", "species", "notes"]
        guard let rows = try? CSVTable.rows(String(decoding: data, as: UTF8.self), columns: columns, required: [])
        else { return }
        let exported = ([columns] + rows.map { row in columns.map { row[$0] ?? "" } }).map(CSVResponse.line).joined()
        let again = (try? CSVTable.rows(exported, columns: columns, required: [])) ?? []
        promise(again.count == rows.count, "\(rows.count) rows exported as \(again.count)")
        for (row, back) in zip(rows, again) {
            for column in columns {
                let value = row[column] ?? ""
                // A cell a spreadsheet would run as a formula is exported with an apostrophe first.
                promise(
                    back[column] == value || back[column] == "'" + value,
                    "\(value.debugDescription) exported as \((back[column] ?? "").debugDescription)")
            }
        }
    }

    /// Schedules: an expression that parses names a time after now, and reads back as itself.
    static func cron(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let expression = try? CronExpression(text) else { return }
        promise((try? CronExpression(expression.description)) == expression, "\(text.debugDescription) reads back")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        if let next = expression.next(after: now, calendar: calendar) {
            promise(next > now, "\(text.debugDescription) runs next at \(next), not after \(now)")
        }
    }

    /// HTML forms: URL-encoded bodies decoded into typed forms, their fields read as values.
    static func form(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let decoder = URLEncodedFormDecoder()
        _ = try? decoder.decode(Shapes.self, from: text)
        _ = try? decoder.decode(LoginController.LoginForm.self, from: text)
        guard let fields = try? decoder.decode(FieldsByID.self, from: text) else { return }
        for value in fields.values.values {
            _ = try? FormText.int(value, field: "f")
            _ = try? FormText.id(value, field: "f")
            _ = try? FormText.number(value, field: "f")
        }
        _ = fields.byID(prefix: "embryo_")
    }

    /// File uploads: the first line is the `Content-Type` (its boundary), the rest the body. Parts
    /// hold only bytes of the body, never more parts than the bound, and files are named parts.
    static func multipart(_ data: Data) {
        let bytes = [UInt8](data)
        let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = ByteBuffer(bytes: bytes[min(newline + 1, bytes.count)...])
        guard let form = try? MultipartForm(contentType: contentType, body: body) else { return }
        promise(form.parts.count <= MultipartForm.maxParts, "\(form.parts.count) parts")
        let total = form.parts.reduce(0) { $0 + $1.body.readableBytes }
        promise(total <= body.readableBytes, "parts of \(total) bytes from a body of \(body.readableBytes)")
        for name in Set(form.parts.map(\.name)) {
            promise(form.files(name).allSatisfy { $0.filename?.isEmpty == false }, "a file of \(name) has no name")
            _ = form.text(name)
        }
    }

    /// What a scanner types: the search box turns it into an FTS5 query SQLite must accept (else
    /// a search answers 500), and labels print it as Code 128 and QR codes or refuse it.
    static func barcode(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        if let match = SearchIndex.matchExpression(text) {
            do {
                _ = try searchTable.read { db in
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM samples_fts WHERE samples_fts MATCH ?", arguments: [match])
                }
            } catch {
                promise(false, "a search for \(text.debugDescription) asks SQLite \(match.debugDescription): \(error)")
            }
        }
        if let code = try? Code128(text) {
            promise(code.widths.count == 6 * (text.count + 2) + 7, "\(text.debugDescription) has a wrong barcode")
            _ = code.svg()
        }
        _ = try? QRCode(text: text).svg
    }

    /// Form shapes the decoder supports: optional text and numbers, lists, nested fields.
    private struct Shapes: Decodable {
        var name: String?
        var count: Int?
        var amount: Double?
        var flag: Bool?
        var tags: [String]?
        var nested: [String: String]?
        var date: Date?
    }

    private static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
        "labbox-fuzz-\(ProcessInfo.processInfo.processIdentifier)")

    /// An FTS5 table as migration 0011 makes it, with one row.
    private static let searchTable: DatabaseQueue = {
        do {
            let queue = try DatabaseQueue()
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE VIRTUAL TABLE samples_fts USING fts5(external_id, notes,
                            tokenize = 'unicode61 remove_diacritics 2');
                        INSERT INTO samples_fts VALUES ('S-0001', 'Ein Käse, ein Öl');
                        """)
            }
            return queue
        } catch {
            fatalError("cannot create the search table: \(error)")
        }
    }()
}

/// A promise a parser broke: the process stops, and libFuzzer keeps the input.
func promise(_ kept: Bool, _ message: @autoclosure () -> String) {
    if !kept { fatalError(message()) }
}
