import Crypto
import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Invoices and credit notes: drafts from unbilled charges, issue (number, frozen parties and
/// totals, document hash), void, credit notes. The only place with their SQL; every write is
/// audited in its transaction, and a refusal writes nothing.
package struct InvoiceStore: Sendable {
    package let database: AppDatabase
    package let settings: BillingSettings
    /// The seller as invoices state it (`lab.name`, `lab.address`).
    package let seller: (name: String, address: String)

    package struct DraftInput: Codable, Sendable {
        package var customerId: Int64?
        /// Which unbilled charges; all of the customer's when absent.
        package var chargeIds: [Int64]?
        package var purchaseOrder: String?
        package var dueDate: String?

        package enum CodingKeys: String, CodingKey {
            case customerId = "customer_id"
            case chargeIds = "charge_ids"
            case purchaseOrder = "purchase_order"
            case dueDate = "due_date"
        }

        package init(customerId: Int64? = nil, chargeIds: [Int64]? = nil, purchaseOrder: String? = nil) {
            (self.customerId, self.chargeIds, self.purchaseOrder) = (customerId, chargeIds, purchaseOrder)
        }
    }

    /// A credit note of an issued invoice: the reason, and the lines to reverse (all when absent).
    package struct CreditInput: Codable, Sendable {
        package struct Line: Codable, Sendable {
            package var lineId: Int64
            package var quantity: String?

            package enum CodingKeys: String, CodingKey {
                case lineId = "line_id"
                case quantity
            }

            package init(lineId: Int64, quantity: String? = nil) {
                (self.lineId, self.quantity) = (lineId, quantity)
            }
        }
        package var reason: String?
        package var lines: [Line]?

        package init(reason: String?, lines: [Line]? = nil) {
            (self.reason, self.lines) = (reason, lines)
        }
    }

    // MARK: Drafts

    package func draft(_ input: DraftInput, context: EventContext) async throws -> Invoice {
        guard let customerID = input.customerId else {
            throw APIError.validationFailed("The field 'customer_id' is required.", field: "customer_id")
        }
        return try await database.write(context) { write in try draft(input, customer: customerID, write).invoice }
    }

    /// A draft of the customer's unbilled charges (those of `input.chargeIds`, or all performed by
    /// `until`), with its lines, in the caller's transaction. Its totals are saved unless it is
    /// issued at once (`toIssue`), which computes and freezes them anyway; `reason` goes with its
    /// audit events.
    private func draft(
        _ input: DraftInput, customer customerID: Int64, until: String? = nil, toIssue: Bool = false,
        reason: String? = nil, _ write: AuditedWrite
    ) throws -> (invoice: Invoice, lines: [InvoiceLine]) {
        guard let customer = try Self.customer(write.db, id: customerID), customer.deletedAt == nil else {
            throw APIError.validationFailed("No customer has id \(customerID).", field: "customer_id")
        }
        // A cached statement: the month-end run drafts thousands in a row.
        var charges = try Charge.fetchAll(
            write.db.cachedStatement(
                sql: """
                    SELECT * FROM charges WHERE customer_id = ? AND invoice_id IS NULL AND performed_on <= ?
                    ORDER BY performed_on, id
                    """), arguments: [customerID, until ?? "9999-12-31"])
        if let wanted = input.chargeIds {
            let open = Set(charges.compactMap(\.id))
            if let stray = wanted.first(where: { !open.contains($0) }) {
                throw APIError.validationFailed(
                    "Charge \(stray) is not unbilled work of this customer.", field: "charge_ids")
            }
            charges = charges.filter { wanted.contains($0.id ?? 0) }
        }
        guard !charges.isEmpty else {
            throw APIError.validationFailed("The customer has no unbilled work.", field: "customer_id")
        }
        let now = Date()
        var invoice = Invoice(
            kind: .invoice, state: .draft, customerId: customerID, currency: settings.currency.code,
            rounding: settings.rounding.rawValue, createdAt: now, updatedAt: now)
        try applyDraft(input, to: &invoice)
        if input.purchaseOrder == nil, charges.contains(where: { $0.sourceKey?.hasPrefix("lab_analysis:") == true }) {
            invoice.purchaseOrder = try Self.orderedUnder(write.db, charges: charges.compactMap(\.id)) ?? ""
        }
        try write.insert(&invoice)
        let invoiceID = invoice.id ?? 0
        var lines: [InvoiceLine] = []
        for (position, previous) in charges.enumerated() {
            var line = try Self.line(of: previous, invoice: invoiceID, position: position + 1, settings.currency)
            try write.insert(&line)
            lines.append(line)
            var charge = previous
            charge.invoiceId = invoiceID
            charge.updatedAt = now
            try write.update(charge, from: previous, action: "bill", reason: reason)
        }
        return (toIssue ? invoice : try refreshTotals(invoice, lines: lines, write), lines)
    }

    /// The month-end run: every customer's unbilled work performed by `until` becomes an issued
    /// invoice, customer by customer in runs of ``runBatch`` per transaction (numbers stay
    /// gap-free: each transaction takes its own). Customers that cannot be invoiced yet (reverse
    /// charge without a VAT id) are skipped and named.
    package struct Run: Sendable {
        package var issued: [Invoice] = []
        package var skipped: [Int64] = []
    }

    static let runBatch = 250

    /// `day` is the issue date: today, except in the demo's year of invoices, which runs month
    /// by month in date order so that the numbers stay in date order.
    package func invoiceAll(
        until: String, purchaseOrder: String? = nil, on day: String = Day.today, context: EventContext
    ) async throws -> Run {
        // Who has work to invoice, and who cannot be invoiced for lack of a VAT id.
        let (customers, skipped) = try await database.read { db -> ([Int64], [Int64]) in
            var customers: [Int64] = []
            var skipped: [Int64] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT ch.customer_id, MAX(ch.vat_category = 'AE') AND c.vat_id = '' AS blocked
                    FROM charges ch JOIN customers c ON c.id = ch.customer_id AND c.deleted_at IS NULL
                    WHERE ch.invoice_id IS NULL AND ch.performed_on <= ?
                    GROUP BY ch.customer_id ORDER BY ch.customer_id
                    """, arguments: [until])
            {
                let blocked: Bool = row["blocked"]
                if blocked { skipped.append(row["customer_id"]) } else { customers.append(row["customer_id"]) }
            }
            return (customers, skipped)
        }
        var run = Run(skipped: skipped)
        let reason = "Month-end invoice run, work done by \(until)"
        for start in stride(from: 0, to: customers.count, by: Self.runBatch) {
            let batch = customers[start..<min(start + Self.runBatch, customers.count)]
            run.issued += try await database.write(context) { write in
                try batch.map { customer in
                    let drafted = try draft(
                        .init(purchaseOrder: purchaseOrder), customer: customer, until: until, toIssue: true,
                        reason: reason, write)
                    return try issue(drafted.invoice, lines: drafted.lines, write, reason: reason, on: day)
                }
            }
        }
        return run
    }

    /// The purchase order the charges' lab orders share, when they name exactly one.
    static func orderedUnder(_ db: Database, charges: [Int64]) throws -> String? {
        let orders = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT o.purchase_order FROM charges ch
                JOIN analyses a ON ch.source_key LIKE 'lab_analysis:%' AND a.id = CAST(substr(ch.source_key, 14) AS INTEGER)
                JOIN lab_orders o ON o.id = a.order_id
                WHERE ch.id IN (SELECT value FROM json_each(?)) AND o.purchase_order != ''
                """, arguments: [String(describing: charges)])
        return orders.count == 1 ? orders[0] : nil
    }

    static func line(of charge: Charge, invoice: Int64, position: Int, _ currency: Currency) throws -> InvoiceLine {
        guard
            let net = InvoiceArithmetic.lineNet(
                Quantity(milli: charge.quantityMilli), UnitPrice(e4: charge.unitPriceE4), currency)
        else { throw APIError.validationFailed("Charge \(charge.id ?? 0) is too large.", field: "charge_ids") }
        return InvoiceLine(
            invoiceId: invoice, position: position, chargeId: charge.id, description: charge.description,
            performedOn: charge.performedOn, quantityMilli: charge.quantityMilli, unit: charge.unit,
            unitPriceE4: charge.unitPriceE4, vatCategory: charge.vatCategory, vatRateBp: charge.vatRateBp,
            netMinor: net.minor)
    }

    private func applyDraft(_ input: DraftInput, to invoice: inout Invoice) throws {
        if let order = input.purchaseOrder {
            invoice.purchaseOrder = try InputCheck.text(order, field: "purchase_order", limit: 100)
        }
        if let due = FormText.text(input.dueDate) {
            guard let day = Day.date(due) else {
                throw APIError.validationFailed("A due date as YYYY-MM-DD.", field: "due_date")
            }
            invoice.dueDate = Day.text(day)
        }
    }

    /// The draft's totals from its lines, saved.
    private func refreshTotals(_ previous: Invoice, lines: [InvoiceLine], _ write: AuditedWrite) throws -> Invoice {
        let totals = try Self.totals(of: lines, previous)
        var invoice = previous
        (invoice.netMinor, invoice.vatMinor, invoice.grossMinor) = (
            totals.net.minor, totals.vat.minor, totals.gross.minor
        )
        try write.update(invoice, from: previous, reason: nil)
        return invoice
    }

    static func totals(of lines: [InvoiceLine], _ invoice: Invoice) throws -> InvoiceArithmetic.Totals {
        guard let currency = Currency(invoice.currency),
            let totals = InvoiceArithmetic.totals(
                lines.map(\.line), currency: currency,
                rounding: InvoiceArithmetic.Rounding(rawValue: invoice.rounding) ?? .rate)
        else { throw APIError.validationFailed("The invoice's amounts are too large.", field: "lines") }
        return totals
    }

    package func update(id: Int64, _ input: DraftInput, context: EventContext) async throws -> Invoice {
        try await database.write(context) { write in
            let previous = try draft(write.db, id: id)
            var invoice = previous
            try applyDraft(input, to: &invoice)
            invoice.updatedAt = Date()
            try write.update(invoice, from: previous, reason: nil)
            return invoice
        }
    }

    /// Discards a draft; its charges are unbilled again. It never had a number.
    package func discard(id: Int64, context: EventContext) async throws {
        try await database.write(context) { write in
            let invoice = try draft(write.db, id: id)
            try release(write, invoice: id)
            for line in try lines(write.db, of: id) { try write.delete(line, reason: nil) }
            try write.delete(invoice, reason: nil)
        }
    }

    private func release(_ write: AuditedWrite, invoice: Int64, reason: String? = nil) throws {
        for previous in try Charge.filter(Charge.CodingKeys.invoiceId == invoice).fetchAll(write.db) {
            var charge = previous
            charge.invoiceId = nil
            charge.updatedAt = Date()
            try write.update(charge, from: previous, action: "unbill", reason: reason)
        }
    }

    private func draft(_ db: Database, id: Int64) throws -> Invoice {
        guard let invoice = try Invoice.fetchOne(db, key: id) else { throw Self.notFound }
        guard invoice.state == .draft else { throw Self.unchangeable(invoice) }
        return invoice
    }

    static func unchangeable(_ invoice: Invoice) -> APIError {
        APIError(
            status: .conflict, code: "conflict",
            message: "\(invoice.kind.label) \(invoice.number ?? "") is \(invoice.state.rawValue) and never changes; "
                + "correct it with a credit note.")
    }

    // MARK: Issue

    /// Issues a draft: the next number of its series and year, today's date, the due date, the
    /// buyer's and seller's details and the VAT breakdown, frozen; the document's SHA-256 is in
    /// the audit event. One write transaction, so two issuers never share a number or leave a gap.
    package func issue(id: Int64, context: EventContext) async throws -> Invoice {
        try await database.write(context) { write in
            try issue(try draft(write.db, id: id), lines: try lines(write.db, of: id), write)
        }
    }

    /// `lines` are the draft's, in order; `reason` goes with the audit event: the credit note's
    /// own when absent.
    private func issue(
        _ previous: Invoice, lines: [InvoiceLine], _ write: AuditedWrite, reason: String? = nil,
        on day: String = Day.today
    ) throws -> Invoice {
        let id = previous.id ?? 0
        guard !lines.isEmpty else { throw APIError.validationFailed("The invoice has no lines.", field: "lines") }
        guard let customer = try Self.customer(write.db, id: previous.customerId) else { throw Self.notFound }
        let totals = try Self.totals(of: lines, previous)
        var invoice = previous
        invoice.issueDate = day
        invoice.dueDate = previous.dueDate ?? Day.adding(settings.paymentDays, to: day)
        if invoice.kind == .creditNote { invoice.dueDate = day }
        invoice.buyerName = customer.name
        invoice.buyerAddress = [
            customer.address,
            [customer.postcode, customer.city].filter { !$0.isEmpty }
                .joined(separator: " "), customer.country,
        ].filter { !$0.isEmpty }.joined(separator: "\n")
        invoice.buyerVatId = customer.vatId
        invoice.buyerEmail = customer.billingEmail.isEmpty ? customer.email : customer.billingEmail
        (invoice.sellerName, invoice.sellerAddress) = seller
        (invoice.sellerVatId, invoice.sellerIban, invoice.sellerBic) = (settings.vatID, settings.iban, settings.bic)
        (invoice.netMinor, invoice.vatMinor, invoice.grossMinor) = (
            totals.net.minor, totals.vat.minor, totals.gross.minor
        )
        if totals.groups.contains(where: { $0.category == .reverseCharge }) && invoice.buyerVatId.isEmpty {
            throw APIError.validationFailed("Reverse charge needs the buyer's VAT id.", field: "customer_id")
        }
        invoice.number = try Self.nextNumber(write.db, series: invoice.kind.series, year: String(day.prefix(4)))
        invoice.state = .issued
        for group in totals.groups {
            try write.db.cachedStatement(
                sql: """
                    INSERT INTO invoice_vat (invoice_id, vat_category, vat_rate_bp, taxable_minor, vat_minor)
                    VALUES (?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [id, group.category.rawValue, group.rate.basisPoints, group.taxable.minor, group.vat.minor])
        }
        let corrected = try invoice.correctsId.flatMap { try Invoice.fetchOne(write.db, key: $0)?.number }
        invoice.documentSha256 =
            SHA256.hash(
                data: try IssuedDocument(invoice, lines: lines, totals: totals, corrects: corrected).canonicalJSON
            ).hex
        invoice.updatedAt = Date()
        try write.update(
            invoice, from: previous, action: "issue",
            reason: reason ?? (previous.reason.isEmpty ? nil : previous.reason))
        return invoice
    }

    /// The customer, by a cached statement: the month-end run reads two per invoice.
    private static func customer(_ db: Database, id: Int64) throws -> Customer? {
        try Customer.fetchOne(db.cachedStatement(sql: "SELECT * FROM customers WHERE id = ?"), arguments: [id])
    }

    /// The next number of `series` in `year`: `2026-000123`, `CN-2026-000004`. The sequence row
    /// advances inside the issuing transaction: a rollback takes the number back with it.
    static func nextNumber(_ db: Database, series: String, year: String) throws -> String {
        let next =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO invoice_sequences (series, year, last) VALUES (?, ?, 1)
                        ON CONFLICT (series, year) DO UPDATE SET last = last + 1 RETURNING last
                        """), arguments: [series, Int(year) ?? 0]) ?? 1
        let digits = String(next)
        return (series.isEmpty ? "" : series + "-") + year + "-"
            + String(repeating: "0", count: max(0, 6 - digits.count))
            + digits
    }

    // MARK: Void and credit notes

    /// Voids an issued invoice nobody has paid or credited: its number stays used, its charges are
    /// unbilled again.
    package func void(id: Int64, reason: String?, context: EventContext) async throws -> Invoice {
        let reason = try Self.reason(reason)
        return try await database.write(context) { write in
            guard let previous = try Invoice.fetchOne(write.db, key: id) else { throw Self.notFound }
            guard previous.state == .issued, previous.kind == .invoice else { throw Self.unchangeable(previous) }
            let settled =
                try Int.fetchOne(
                    write.db,
                    sql: """
                        SELECT (SELECT COUNT(*) FROM payment_allocations WHERE invoice_id = ?)
                             + (SELECT COUNT(*) FROM invoices WHERE corrects_id = ? AND state = 'issued')
                        """, arguments: [id, id]) ?? 0
            guard settled == 0 else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "Payments or credit notes refer to this invoice; issue a credit note instead.")
            }
            try release(write, invoice: id, reason: reason)
            var invoice = previous
            invoice.state = .void
            invoice.reason = reason
            invoice.updatedAt = Date()
            try write.update(invoice, from: previous, action: "void", reason: reason)
            return invoice
        }
    }

    private static func reason(_ text: String?) throws -> String {
        let reason = try InputCheck.text(text, field: "reason", limit: AuditTrail.maxReason)
        guard !reason.isEmpty else { throw APIError.validationFailed("Give the reason.", field: "reason") }
        return reason
    }

    /// Issues a credit note reversing `lines` of issued invoice `id` (all that is not yet credited
    /// when absent), never more than was invoiced.
    package func credit(invoice id: Int64, _ input: CreditInput, context: EventContext) async throws -> Invoice {
        let reason = try Self.reason(input.reason)
        return try await database.write(context) { write in
            guard let invoice = try Invoice.fetchOne(write.db, key: id) else { throw Self.notFound }
            guard invoice.kind == .invoice, invoice.state == .issued else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "Only an issued invoice can be credited.")
            }
            let lines = try lines(write.db, of: id)
            let credited = try Dictionary(
                Row.fetchAll(
                    write.db,
                    sql: """
                        SELECT l.corrects_line_id AS line, -SUM(l.quantity_milli) AS quantity
                        FROM invoice_lines l JOIN invoices c ON c.id = l.invoice_id
                        WHERE c.corrects_id = ? AND c.state = 'issued' GROUP BY l.corrects_line_id
                        """, arguments: [id]
                ).map { (($0["line"] as Int64), ($0["quantity"] as Int64)) }, uniquingKeysWith: +)
            var reversal: [(InvoiceLine, Int64)] = []
            if let wanted = input.lines {
                for (index, want) in wanted.enumerated() {
                    guard let line = lines.first(where: { $0.id == want.lineId }) else {
                        throw APIError.validationFailed(
                            "Line \(want.lineId) is not on this invoice.", field: "lines.\(index).line_id")
                    }
                    let left = line.quantityMilli - credited[line.id ?? 0, default: 0]
                    let quantity = want.quantity.map { Quantity($0)?.milli ?? -1 } ?? left
                    guard quantity > 0, quantity <= left else {
                        throw APIError.validationFailed(
                            "A quantity above 0 and at most the \(Quantity(milli: left).text) not yet credited.",
                            field: "lines.\(index).quantity")
                    }
                    reversal.append((line, quantity))
                }
            } else {
                reversal = lines.map { ($0, $0.quantityMilli - credited[$0.id ?? 0, default: 0]) }.filter { $0.1 > 0 }
            }
            guard !reversal.isEmpty else {
                throw APIError(status: .conflict, code: "conflict", message: "The invoice is credited in full already.")
            }
            let now = Date()
            var note = Invoice(
                kind: .creditNote, state: .draft, customerId: invoice.customerId, correctsId: id,
                currency: invoice.currency, rounding: invoice.rounding, purchaseOrder: invoice.purchaseOrder,
                reason: reason, createdAt: now, updatedAt: now)
            try write.insert(&note, reason: reason)
            guard let currency = Currency(invoice.currency) else { throw Self.notFound }
            var noteLines: [InvoiceLine] = []
            for (position, (original, quantity)) in reversal.enumerated() {
                let net =
                    InvoiceArithmetic.lineNet(
                        Quantity(milli: -quantity), UnitPrice(e4: original.unitPriceE4), currency) ?? .zero
                var line = InvoiceLine(
                    invoiceId: note.id ?? 0, position: position + 1, correctsLineId: original.id,
                    description: original.description, performedOn: original.performedOn, quantityMilli: -quantity,
                    unit: original.unit, unitPriceE4: original.unitPriceE4, vatCategory: original.vatCategory,
                    vatRateBp: original.vatRateBp, netMinor: net.minor)
                try write.insert(&line)
                noteLines.append(line)
            }
            return try issue(note, lines: noteLines, write)
        }
    }

    // MARK: Reading

    func lines(_ db: Database, of invoice: Int64) throws -> [InvoiceLine] {
        try InvoiceLine.filter(InvoiceLine.CodingKeys.invoiceId == invoice).order(InvoiceLine.CodingKeys.position)
            .fetchAll(db)
    }

    /// An invoice with everything its page and JSON show.
    package func document(id: Int64) async throws -> InvoiceDocument? {
        try await database.read { db in try InvoiceDocument.load(db, id: id, today: Day.today) }
    }

    package struct Filter: Sendable {
        package var customer: Int64?
        package var state: Invoice.State?
        package var kind: Invoice.Kind?
        /// Part of the customer's purchase-order number, in any case.
        package var purchaseOrder: String?

        package init(
            customer: Int64? = nil, state: Invoice.State? = nil, kind: Invoice.Kind? = nil, purchaseOrder: String? = nil
        ) {
            (self.customer, self.state, self.kind, self.purchaseOrder) = (customer, state, kind, purchaseOrder)
        }
    }

    /// Newest first, with the open amount and status of each.
    package func list(_ filter: Filter, limit: Int = 200) async throws -> [InvoiceSummary] {
        try await database.read { db in
            var conditions = ["1"]
            var arguments: StatementArguments = []
            if let customer = filter.customer {
                conditions.append("i.customer_id = ?")
                _ = arguments.append(contentsOf: [customer])
            }
            if let state = filter.state {
                conditions.append("i.state = ?")
                _ = arguments.append(contentsOf: [state.rawValue])
            }
            if let kind = filter.kind {
                conditions.append("i.kind = ?")
                _ = arguments.append(contentsOf: [kind.rawValue])
            }
            if let order = filter.purchaseOrder {
                conditions.append("instr(lower(i.purchase_order), lower(?)) > 0")
                _ = arguments.append(contentsOf: [order])
            }
            _ = arguments.append(contentsOf: [limit])
            return try InvoiceSummary.fetch(
                db, where: conditions.joined(separator: " AND "), arguments: arguments, today: Day.today)
        }
    }

    static let notFound = APIError.notFound("No such invoice.")

    package init(database: AppDatabase, settings: BillingSettings, seller: (name: String, address: String)) {
        self.database = database
        self.settings = settings
        self.seller = seller
    }
}
