import Attachments
import Billing
import Collaboration
import Customers
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Erasing a customer (GDPR art. 17) by pseudonymisation (decision 0041): the record stays, as
/// "Erased customer 12", with its animals, orders, results and the whole audit chain; what named
/// or reached the person goes, from every table and from the database file.
package struct Erasure: Sendable {
    package let database: AppDatabase
    package let files: AttachmentFiles
    package let settings: PrivacySettings

    /// What an erasure did, as the API answers it and the erasures list shows it.
    package struct Outcome: Codable, Sendable, ResponseEncodable {
        package let customerId: Int64
        package let erasedAt: String
        package let erasedBy: String
        package let reason: String
        /// Texts of the person's kept beside the audit chain, now gone.
        package let texts: Int
        package let invoices: Int
        package let attachments: Int
        package let notes: Int
        package let emails: Int
        /// Whether the database file was rewritten at once; if not (a long read held it), the
        /// texts are still gone from every table and go from the file at the next VACUUM.
        package var compacted = false

        package enum CodingKeys: String, CodingKey {
            case texts, invoices, attachments, notes, emails, reason, compacted
            case customerId = "customer_id"
            case erasedAt = "erased_at"
            case erasedBy = "erased_by"
        }
    }

    /// The name an erased customer keeps: it says what happened and nothing of whom.
    package static func placeholder(_ id: Int64) -> String { "Erased customer \(id)" }

    /// Erases customer `id` for `reason`, unless an invoice of theirs must still be kept.
    package func erase(customer id: Int64, reason: String?, context: EventContext) async throws -> Outcome {
        let reason = try InputCheck.text(reason, field: "reason", limit: AuditTrail.maxReason)
        guard !reason.isEmpty else { throw AuditPolicy.missingReason }
        let (erased, hashes) = try await database.write(context) { write in
            // Whatever this transaction deletes or overwrites is overwritten with zeros in the file,
            // not just marked free (the VACUUM below also rewrites what earlier edits left).
            let previous = try Int.fetchOne(write.db, sql: "PRAGMA secure_delete") ?? 0
            try write.db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? write.db.execute(sql: "PRAGMA secure_delete = \(previous)") }
            return try erase(write, id: id, reason: reason)
        }
        await removeFiles(hashes)
        var outcome = erased
        outcome.compacted = await compact()
        return outcome
    }

    private func erase(_ write: AuditedWrite, id: Int64, reason: String) throws -> (Outcome, [String]) {
        let db = write.db
        guard let customer = try Customer.fetchOne(db, key: id) else {
            throw APIError.notFound("No customer has id \(id).")
        }
        if let erasedAt = try String.fetchOne(
            db, sql: "SELECT erased_at FROM privacy_erasures WHERE subject_type = 'customer' AND subject_id = ?",
            arguments: [String(id)])
        {
            throw APIError(
                status: .conflict, code: "conflict", message: "This customer was erased on \(erasedAt.prefix(10)).")
        }
        try refuseWhileInvoicesAreKept(db, customer: id)
        let now = Date()
        let erasedAt = AuditEvent.timestamp(now)
        // First: the invoice, comment and note triggers let an erased customer's rows change.
        try db.execute(
            sql: """
                INSERT INTO privacy_erasures (subject_type, subject_id, reason, erased_by, erased_at)
                VALUES ('customer', ?, ?, ?, ?)
                """, arguments: [String(id), reason, write.context.actorName, erasedAt])

        var erased = customer
        erased.name = Self.placeholder(id)
        let cleared: [WritableKeyPath<Customer, String>] = [
            \.contactName, \.email, \.phone, \.address, \.postcode, \.city, \.vatId, \.billingEmail, \.notes,
        ]
        for path in cleared { erased[keyPath: path] = "" }
        erased.retentionFlaggedAt = nil
        erased.deletedAt = customer.deletedAt ?? now
        erased.updatedAt = now
        try write.update(erased, from: customer, action: "erase", reason: reason)

        let invoices = try Invoice.filter(Invoice.CodingKeys.customerId == id).fetchAll(db)
        for invoice in invoices {
            var changed = invoice
            (changed.buyerName, changed.buyerAddress, changed.buyerVatId, changed.buyerEmail) =
                (erased.name, "", "", "")
            try write.update(changed, from: invoice, action: "erase", reason: reason)
        }

        let attachments = try Attachment.filter(
            Attachment.CodingKeys.entityType == Customer.auditEntity && Attachment.CodingKeys.entityId == id
        ).fetchAll(db)
        for consent in try Consent.filter(
            Consent.CodingKeys.customerId == id && Consent.CodingKeys.attachmentId != nil
        ).fetchAll(db) {
            var changed = consent
            changed.attachmentId = nil
            try write.update(changed, from: consent, action: "erase", reason: reason)
        }
        for attachment in attachments { try write.delete(attachment, action: "erase", reason: reason) }
        let comments = try Comment.filter(sql: "entity_type = 'customer' AND entity_id = ?", arguments: [id])
            .fetchAll(db)
        for comment in comments { try write.delete(comment, action: "erase", reason: reason) }
        let notes = try JournalNote.filter(sql: "entity_type = 'customer' AND entity_id = ?", arguments: [id])
            .fetchAll(db)
        for note in notes { try write.delete(note, action: "erase", reason: reason) }

        // Mail to the person, sent or waiting, and the addresses results went to.
        let addresses = Set(
            ([customer.email, customer.billingEmail] + invoices.map(\.buyerEmail)).filter { !$0.isEmpty }
                .map { $0.lowercased() })
        var emails = 0
        if !addresses.isEmpty {
            try db.execute(
                sql:
                    "DELETE FROM email_outbox WHERE lower(recipient) IN (\(databaseQuestionMarks(count: addresses.count)))",
                arguments: StatementArguments(Array(addresses)))
            emails = db.changesCount
        }
        try db.execute(
            sql: """
                UPDATE results_deliveries SET recipient = ''
                WHERE order_id IN (SELECT id FROM lab_orders WHERE customer_id = ?)
                """, arguments: [id])

        // The customer's own custom field values (their trail holds tokens, which go with the key).
        try db.execute(
            sql: "DELETE FROM custom_field_values WHERE entity_type = 'customer' AND entity_id = ?", arguments: [id])

        let texts = try PersonalData.erase(db, .customer(id))
        // The search indexes keep a deleted row's words in their older segments until they merge.
        try db.execute(sql: "INSERT INTO customers_fts (customers_fts) VALUES ('optimize')")
        try db.execute(sql: "INSERT INTO custom_field_values_fts (custom_field_values_fts) VALUES ('optimize')")
        let outcome = Outcome(
            customerId: id, erasedAt: erasedAt, erasedBy: write.context.actorName, reason: reason, texts: texts,
            invoices: invoices.count, attachments: attachments.count, notes: comments.count + notes.count,
            emails: emails)
        try write.log(
            "privacy.erase", entityType: Customer.auditEntity, entityID: String(id),
            after: AuditValue.encode([
                "texts": .integer(Int64(texts)), "invoices": .integer(Int64(invoices.count)),
                "attachments": .integer(Int64(attachments.count)),
                "notes": .integer(Int64(comments.count + notes.count)), "emails": .integer(Int64(emails)),
            ]), reason: reason)
        return (outcome, attachments.map(\.sha256))
    }

    /// Accounting law comes first (GDPR art. 17(3)(b)): an invoice issued within
    /// `privacy.invoice_retention_years`, or still a draft, keeps its customer.
    private func refuseWhileInvoicesAreKept(_ db: Database, customer id: Int64) throws {
        let cutoff = Day.text(
            Calendar(identifier: .gregorian).date(byAdding: .year, value: -settings.invoiceRetentionYears, to: Date())
                ?? Date())
        let kept = try Row.fetchOne(
            db,
            sql: """
                SELECT count(*) AS count, max(issue_date) AS latest FROM invoices
                WHERE customer_id = ? AND (state = 'draft' OR issue_date >= ?)
                """, arguments: [id, cutoff])
        let count: Int = kept?["count"] ?? 0
        guard count > 0 else { return }
        let latest: String? = kept?["latest"]
        let until = latest.flatMap { Day.date($0) }.flatMap {
            Calendar(identifier: .gregorian).date(byAdding: .year, value: settings.invoiceRetentionYears, to: $0)
        }.map(Day.text)
        throw APIError(
            status: .conflict, code: "retention_required",
            message: until.map {
                "The lab must keep this customer's invoices until \($0) (privacy.invoice_retention_years); erase after that."
            } ?? "Delete or issue this customer's draft invoices first.")
    }

    /// Files no attachment names any more. A file another record still has stays.
    private func removeFiles(_ hashes: [String]) async {
        for hash in Set(hashes) {
            let used =
                (try? await database.read { db in
                    try Attachment.filter(Attachment.CodingKeys.sha256 == hash).fetchCount(db)
                }) ?? 1
            if used == 0 { try? FileManager.default.removeItem(at: files.url(sha256: hash)) }
        }
    }

    package init(database: AppDatabase, files: AttachmentFiles, settings: PrivacySettings) {
        self.database = database
        self.files = files
        self.settings = settings
    }

    /// Rewrites the database file without free pages or the leftovers of earlier edits, and folds
    /// the WAL (which holds older copies of pages) back into it, so the erased texts are nowhere in
    /// the data directory's database files. Backups keep theirs until they expire (docs/PRIVACY.md).
    /// The erasure has committed by then, so a failure here is reported, not thrown.
    private func compact() async -> Bool {
        do {
            try await database.pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                _ = try db.checkpoint(.truncate)
            }
            return true
        } catch {
            return false
        }
    }
}
