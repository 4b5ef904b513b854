import Attachments
import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import ZIPFoundation

/// A customer's subject-access export (GDPR art. 15 and 20): everything the lab holds about them,
/// as a zip of JSON (one file per kind of record, for a machine) and `index.html` (the same, for a
/// person), with their files. Taking one is recorded as an access and in the audit trail.
package struct SubjectExport: Sendable {
    package let database: AppDatabase
    package let files: AttachmentFiles

    /// One kind of record, as rows of column values.
    struct Section: Sendable {
        let name: String
        let title: String
        let rows: [[String: AuditValue]]
    }

    /// The rows of one section: `sql` takes the customer's id as every `?`.
    private static let queries: [(name: String, title: String, sql: String)] = [
        ("customer", "Customer record", "SELECT * FROM customers WHERE id = ?"),
        ("consents", "Consents", "SELECT * FROM consents WHERE customer_id = ? ORDER BY id"),
        (
            "custom_fields", "Custom fields",
            """
            SELECT v.entity_type, v.entity_id, f.key, f.label, v.value_text, v.value_number, v.value_date
            FROM custom_field_values v JOIN custom_fields f ON f.id = v.field_id
            WHERE (v.entity_type = 'customer' AND v.entity_id = ?)
                OR (v.entity_type = 'animal' AND v.entity_id IN (SELECT id FROM animals WHERE owner_id = ?))
            ORDER BY v.entity_type DESC, v.entity_id, f.position, f.id
            """
        ),
        ("animals", "Animals", "SELECT * FROM animals WHERE owner_id = ? ORDER BY id"),
        (
            "animal_identifiers", "Animal identifiers",
            "SELECT * FROM animal_identifiers WHERE animal_id IN (SELECT id FROM animals WHERE owner_id = ?)"
        ),
        (
            "samples", "Samples",
            "SELECT * FROM samples WHERE animal_id IN (SELECT id FROM animals WHERE owner_id = ?) ORDER BY id"
        ),
        (
            "transfers", "Embryo transfers",
            "SELECT * FROM transfers WHERE recipient_id IN (SELECT id FROM animals WHERE owner_id = ?) ORDER BY id"
        ),
        ("orders", "Orders", "SELECT * FROM lab_orders WHERE customer_id = ? ORDER BY id"),
        (
            "results", "Results",
            """
            SELECT a.id, a.order_id, a.sample_id, t.code AS test_code, t.name AS test_name, a.state, a.value, a.unit,
                a.low, a.high, a.flag, a.entered_at, a.created_at, a.updated_at
            FROM analyses a JOIN lab_tests t ON t.id = a.test_id
            WHERE a.order_id IN (SELECT id FROM lab_orders WHERE customer_id = ?) ORDER BY a.id
            """
        ),
        (
            "result_deliveries", "Results sent",
            """
            SELECT id, order_id, recipient, method, expires_at, revoked_at, created_at FROM results_deliveries
            WHERE order_id IN (SELECT id FROM lab_orders WHERE customer_id = ?) ORDER BY id
            """
        ),
        ("invoices", "Invoices and credit notes", "SELECT * FROM invoices WHERE customer_id = ? ORDER BY id"),
        (
            "invoice_lines", "Invoice lines",
            "SELECT * FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE customer_id = ?) ORDER BY id"
        ),
        ("charges", "Charges", "SELECT * FROM charges WHERE customer_id = ? ORDER BY id"),
        ("payments", "Payments", "SELECT * FROM payments WHERE customer_id = ? ORDER BY id"),
        (
            "attachments", "Files",
            """
            SELECT id, entity_type, entity_id, file_name, media_type, size, sha256, po_number, uploaded_by, created_at
            FROM attachments WHERE deleted_at IS NULL AND (\(recordsOfCustomer)) ORDER BY id
            """
        ),
        (
            "comments", "Comments",
            "SELECT * FROM comments WHERE entity_type = 'customer' AND entity_id = ? ORDER BY id"
        ),
        (
            "journal_notes", "Journal notes",
            "SELECT * FROM journal_notes WHERE entity_type = 'customer' AND entity_id = ? ORDER BY id"
        ),
        (
            "accesses", "Who viewed or exported this record",
            """
            SELECT at, actor_name, action, channel FROM personal_data_accesses
            WHERE subject_type = 'customer' AND subject_id = CAST(? AS TEXT) ORDER BY id
            """
        ),
    ]

    /// The customer's record and the records that are theirs, as `entity_type`/`entity_id` pairs.
    private static let recordsOfCustomer = """
        (entity_type = 'customer' AND entity_id = ?)
        OR (entity_type = 'animal' AND entity_id IN (SELECT id FROM animals WHERE owner_id = ?))
        OR (entity_type = 'lab_order' AND entity_id IN (SELECT id FROM lab_orders WHERE customer_id = ?))
        OR (entity_type = 'invoice' AND entity_id IN (SELECT id FROM invoices WHERE customer_id = ?))
        OR (entity_type = 'consent' AND entity_id IN (SELECT id FROM consents WHERE customer_id = ?))
        """

    /// The zip's name and bytes.
    package func export(customer id: Int64, context: EventContext, channel: PersonalDataAccess.Channel) async throws
        -> (name: String, data: Data)
    {
        let now = Date()
        let (sections, history) = try await database.read { db in
            guard try Customer.exists(db, key: id) else { throw APIError.notFound("No customer has id \(id).") }
            return (try Self.sections(db, id: id), try Self.history(db, id: id))
        }
        try await database.write(context) { write in
            try PersonalDataAccess.record(write.db, context, subject: .customer(id), action: .export, channel: channel)
            try write.log(
                "privacy.export", entityType: Customer.auditEntity, entityID: String(id),
                after: AuditValue.encode(
                    Dictionary(
                        uniqueKeysWithValues: sections.map { ($0.name, AuditValue.integer(Int64($0.rows.count))) })))
        }
        let all = sections + [history]
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: now,
                compressionMethod: .deflate
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        var attached: [(row: [String: AuditValue], path: String?)] = []
        for row in all.first(where: { $0.name == "attachments" })?.rows ?? [] {
            guard case .text(let sha) = row["sha256"], case .integer(let fileID) = row["id"],
                let bytes = try? Data(contentsOf: files.url(sha256: sha))
            else {
                attached.append((row, nil))
                continue
            }
            let path = "files/\(fileID)-\(Self.safeName(row["file_name"]?.display ?? "file"))"
            try add(path, bytes)
            attached.append((row, path))
        }
        for section in all {
            try add("data/\(section.name).json", Data(Self.json(section.rows).utf8))
        }
        let manifest = AuditValue.encode([
            "customer_id": .integer(id), "exported_at": .text(AuditEvent.timestamp(now)),
            "exported_by": .text(context.actorName), "format": .text("labbox-subject-export/1"),
        ])
        try add("export.json", Data(manifest.utf8))
        try add("index.html", Data(SubjectExportPage.html(customer: id, at: now, sections: all, files: attached).utf8))
        return ("customer-\(id)-data-\(Day.text(now)).zip", archive.data ?? Data())
    }

    static func sections(_ db: Database, id: Int64) throws -> [Section] {
        try queries.map { query in
            let count = query.sql.components(separatedBy: "?").count - 1
            let rows = try Row.fetchAll(
                db, sql: query.sql, arguments: StatementArguments(Array(repeating: id, count: count)))
            return Section(name: query.name, title: query.title, rows: rows.map(values))
        }
    }

    /// The audit events of the customer's records, with their own data shown (not its tokens).
    static func history(_ db: Database, id: Int64) throws -> Section {
        let count = recordsOfCustomer.components(separatedBy: "?").count - 1
        let events = try AuditEvent.fetchAll(
            db, sql: "SELECT * FROM audit_events WHERE \(recordsOfCustomer) ORDER BY seq",
            arguments: StatementArguments(Array(repeating: id, count: count)))
        let texts = try PersonalData.texts(db, in: events.flatMap { [$0.before, $0.after] })
        let rows = events.map { event -> [String: AuditValue] in
            let entry = History.entry(event, texts: texts)
            return [
                "seq": .integer(event.seq), "at": .text(event.at), "by": .text(event.actorName),
                "action": .text(event.action), "record": .text("\(event.entityType) \(event.entityId)"),
                "reason": event.reason.map(AuditValue.text) ?? .null,
                "changes": .text(
                    entry.changes.map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }
                        .joined(separator: "; ")),
            ]
        }
        return Section(name: "history", title: "History of changes", rows: rows)
    }

    static func values(_ row: Row) -> [String: AuditValue] {
        var values: [String: AuditValue] = [:]
        for (column, value) in row { values[column] = AuditValue(value) }
        return values
    }

    static func json(_ rows: [[String: AuditValue]]) -> String {
        "[\n" + rows.map(AuditValue.encode).joined(separator: ",\n") + "\n]\n"
    }

    /// A file's name as a zip path part: no directories, nothing a file system refuses.
    static func safeName(_ name: String) -> String {
        let cleaned = String(
            name.unicodeScalars.map { scalar in
                CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            })
        return cleaned.isEmpty ? "file" : String(cleaned.prefix(120))
    }

    package init(database: AppDatabase, files: AttachmentFiles) {
        self.database = database
        self.files = files
    }
}
