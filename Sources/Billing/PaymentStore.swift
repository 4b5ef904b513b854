import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Payments, their allocation to invoices, customers' credit and the aging of what is open. The
/// only place with their SQL; every write is audited, and a refusal writes nothing.
package struct PaymentStore: Sendable {
    package let database: AppDatabase
    package let settings: BillingSettings

    package struct AllocationInput: Codable, Sendable {
        package var invoiceId: Int64
        package var amount: String

        package enum CodingKeys: String, CodingKey {
            case invoiceId = "invoice_id"
            case amount
        }

        package init(invoiceId: Int64, amount: String) {
            (self.invoiceId, self.amount) = (invoiceId, amount)
        }
    }

    package struct Input: Codable, Sendable {
        package var customerId: Int64?
        package var receivedOn: String?
        package var amount: String?
        package var method: String?
        package var reference: String?
        package var notes: String?
        package var allocations: [AllocationInput]?
        /// The amount's currency when the client states it: the lab's, or refused.
        package var currency: String?

        package enum CodingKeys: String, CodingKey {
            case amount, method, reference, notes, allocations, currency
            case customerId = "customer_id"
            case receivedOn = "received_on"
        }

        package init(
            customerId: Int64? = nil, receivedOn: String? = nil, amount: String? = nil, method: String? = nil,
            reference: String? = nil, allocations: [AllocationInput]? = nil
        ) {
            (self.customerId, self.receivedOn, self.amount, self.method) = (customerId, receivedOn, amount, method)
            (self.reference, self.allocations) = (reference, allocations)
        }
    }

    package func record(_ input: Input, context: EventContext) async throws -> Payment {
        let currency = settings.currency
        guard let customer = input.customerId else {
            throw APIError.validationFailed("The field 'customer_id' is required.", field: "customer_id")
        }
        try settings.requireCurrency(input.currency)
        guard let amount = input.amount.flatMap(currency.minor), amount > 0, amount <= InvoiceArithmetic.maximumMinor
        else {
            throw APIError.validationFailed(
                "An amount above 0 with at most \(currency.digits) decimals (\(currency.code)).", field: "amount")
        }
        guard let method = Payment.Method(rawValue: input.method ?? "bank_transfer") else {
            throw APIError.validationFailed("bank_transfer, card, cash, direct_debit or other.", field: "method")
        }
        let day = try Day.past(input.receivedOn, field: "received_on", label: "day the payment was received")
        return try await database.write(context) { write in
            guard try Customer.fetchOne(write.db, key: customer) != nil else {
                throw APIError.validationFailed("No customer has id \(customer).", field: "customer_id")
            }
            var payment = Payment(
                customerId: customer, receivedOn: day, amountMinor: amount, method: method,
                reference: try InputCheck.text(input.reference, field: "reference", limit: 200),
                notes: try InputCheck.text(input.notes, field: "notes", limit: 2000), createdAt: Date())
            try write.insert(&payment)
            try allocate(input.allocations ?? [], of: payment, field: "allocations", write)
            return payment
        }
    }

    /// Allocates more of payment `id` to invoices.
    package func allocate(payment id: Int64, _ allocations: [AllocationInput], context: EventContext) async throws
        -> Payment
    {
        guard !allocations.isEmpty else {
            throw APIError.validationFailed("Give at least one allocation.", field: "allocations")
        }
        return try await database.write(context) { write in
            guard let payment = try Payment.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No such payment.")
            }
            try allocate(allocations, of: payment, field: "allocations", write)
            return payment
        }
    }

    /// Each allocation goes to an open invoice of the payment's customer, never beyond what the
    /// invoice still owes, and all of them never beyond what the payment has left.
    func allocate(
        _ allocations: [AllocationInput], of payment: Payment, field: String, _ write: AuditedWrite
    ) throws {
        var left = payment.amountMinor - (try Self.used(write.db, payment: payment.id ?? 0))
        for (index, wanted) in allocations.enumerated() {
            let path = "\(field).\(index)"
            guard let amount = settings.currency.minor(wanted.amount), amount > 0 else {
                throw APIError.validationFailed("An amount above 0.", field: path + ".amount")
            }
            guard
                let summary = try InvoiceSummary.fetch(
                    write.db, where: "i.id = ?", arguments: [wanted.invoiceId, 1], today: Day.today
                ).first, summary.invoice.customerId == payment.customerId, summary.invoice.kind == .invoice
            else {
                throw APIError.validationFailed(
                    "Invoice \(wanted.invoiceId) is not an invoice of this customer.", field: path + ".invoice_id")
            }
            guard summary.invoice.state == .issued else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "Invoice \(summary.invoice.number ?? "draft") is \(summary.invoice.state.rawValue); "
                        + "it cannot be paid.", field: path + ".invoice_id")
            }
            guard amount <= summary.open else {
                throw APIError.validationFailed(
                    "At most the \(settings.currency.text(max(summary.open, 0))) the invoice still owes.",
                    field: path + ".amount")
            }
            guard amount <= left else {
                throw APIError.validationFailed(
                    "At most the \(settings.currency.text(left)) of the payment not yet allocated.",
                    field: path + ".amount")
            }
            left -= amount
            var allocation = PaymentAllocation(
                paymentId: payment.id ?? 0, invoiceId: wanted.invoiceId, amountMinor: amount, createdAt: Date())
            try write.insert(&allocation)
        }
    }

    /// What of a payment is allocated to invoices or refunded: the rest is the customer's credit.
    static func used(_ db: Database, payment: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE((SELECT SUM(amount_minor) FROM payment_allocations WHERE payment_id = :id), 0)
                     + COALESCE((SELECT SUM(amount_minor) FROM payment_refunds WHERE payment_id = :id), 0)
                """, arguments: ["id": payment]) ?? 0
    }

    /// A payment and what of it went where.
    package struct Settled: Sendable {
        package let payment: Payment
        package let customerName: String
        package let allocated: Int64
        package let refunded: Int64
        /// The customer's credit from it.
        package var unallocated: Int64 { payment.amountMinor - allocated - refunded }
    }

    /// Payments, newest received first: `limit` after `after`, and where the next page starts (nil
    /// on the last). Of one customer, or the payments `ids`, when given.
    package func payments(customer: Int64? = nil, ids: [Int64]? = nil, after: KeysetPosition? = nil, limit: Int)
        async throws -> (items: [Settled], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = Payment.all()
            if let customer { request = request.filter(Payment.CodingKeys.customerId == customer) }
            if let ids { request = request.filter(keys: ids) }
            let page = try request.page(db, order: Self.newestFirst, after: after, limit: limit)
            // The page's customers and what went where, in one query (not one per payment).
            let settled = try Dictionary(
                SQLRequest<Row>(
                    literal: """
                        SELECT p.id, c.name,
                          COALESCE((SELECT SUM(amount_minor) FROM payment_allocations a WHERE a.payment_id = p.id), 0),
                          COALESCE((SELECT SUM(amount_minor) FROM payment_refunds r WHERE r.payment_id = p.id), 0)
                        FROM payments p JOIN customers c ON c.id = p.customer_id
                        WHERE p.id IN \(page.items.compactMap(\.id))
                        """
                ).fetchAll(db).map { ($0[0] as Int64, $0) }, uniquingKeysWith: { first, _ in first })
            return (
                page.items.map { payment in
                    let row = settled[payment.id ?? 0]
                    return Settled(
                        payment: payment, customerName: row?[1] ?? "", allocated: row?[2] ?? 0,
                        refunded: row?[3] ?? 0)
                }, page.next
            )
        }
    }

    package func payment(id: Int64) async throws -> Settled? {
        try await payments(ids: [id], limit: 1).items.first
    }

    /// The customer's credit: what their payments brought and was neither allocated nor refunded.
    package func credit(customer: Int64) async throws -> Int64 {
        try await database.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT COALESCE((SELECT SUM(amount_minor) FROM payments WHERE customer_id = :customer), 0)
                      - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a
                          JOIN payments p ON p.id = a.payment_id WHERE p.customer_id = :customer), 0)
                      - COALESCE((SELECT SUM(r.amount_minor) FROM payment_refunds r
                          JOIN payments p ON p.id = r.payment_id WHERE p.customer_id = :customer), 0)
                    """, arguments: ["customer": customer]) ?? 0
        }
    }

    private static let newestFirst = ListOrder(column: "received_on", descending: true)

    // MARK: Aging

    package enum Bucket: String, CaseIterable, Sendable {
        case current
        case days1to30 = "1-30"
        case days31to60 = "31-60"
        case days61to90 = "61-90"
        case over90 = "over_90"
    }

    package struct AgingRow: Sendable {
        package let customerId: Int64
        package let customerName: String
        package var amounts: [Bucket: Int64]
        package var total: Int64 { amounts.values.reduce(0, +) }
    }

    package struct Aging: Sendable {
        package let asOf: String
        package let rows: [AgingRow]
        package var totals: [Bucket: Int64] {
            rows.reduce(into: [:]) { sums, row in
                for (bucket, amount) in row.amounts { sums[bucket, default: 0] += amount }
            }
        }
    }

    /// What each customer owed on `day` by days past due: invoices issued by then, less credit
    /// notes issued and payments received by then.
    ///
    /// Three ordered scans merged here, without a lookup per invoice: the credit notes and the
    /// allocations summed per invoice, then the invoices from the covering `invoices_issued` index,
    /// each put in its bucket by comparing its due date with the buckets' first days. Two
    /// correlated subqueries per invoice took 170 ms of SQLite's time alone at 100,000 invoices
    /// (scripts/bench: the target is 200 ms for the whole request).
    package func aging(asOf day: String) async throws -> Aging {
        // The earliest due date of each bucket but the last: current is due on `day` or later,
        // 1–30 days past due is due on `day` − 30 or later, and so on.
        let limits = [0, 30, 60, 90].map { Day.adding(-$0, to: day) ?? day }
        return try await database.read { db in
            // What credit notes (negative) and payments took off each invoice by `day`, in one
            // dictionary: one lookup per invoice, not two.
            var settled: [Int64: Int64] = [:]
            try Self.add(
                db,
                sql: """
                    SELECT corrects_id, SUM(gross_minor) FROM invoices
                    WHERE kind = 'credit_note' AND state = 'issued' AND issue_date <= ? GROUP BY corrects_id
                    """, day, to: &settled)
            try Self.add(
                db,
                sql: """
                    SELECT invoice_id, -SUM(amount_minor) FROM payment_allocations
                    WHERE payment_id IN (SELECT id FROM payments WHERE received_on <= ?) GROUP BY invoice_id
                    """, day, to: &settled)
            var amounts: [Int64: [Int64]] = [:]
            let invoices = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, customer_id, due_date, gross_minor FROM invoices
                    WHERE kind = 'invoice' AND state = 'issued' AND issue_date <= ?
                    """, arguments: [day])
            while let row = try invoices.next() {
                let id: Int64 = row[0]
                let open: Int64 = row[3] + (settled[id] ?? 0)
                guard open > 0 else { continue }
                // Issuing always sets the due date; a missing one cannot be past.
                let due: String = row[2] ?? day
                let bucket = limits.firstIndex { due >= $0 } ?? 4
                amounts[row[1], default: [0, 0, 0, 0, 0]][bucket] += open
            }
            // Names in the database's order, so that no customer name is compared here.
            var rows: [AgingRow] = []
            let customers = try Row.fetchCursor(
                db, sql: "SELECT id, name FROM customers ORDER BY name COLLATE NOCASE, id")
            while let customer = try customers.next() {
                guard let sums = amounts[customer[0]] else { continue }
                var buckets: [Bucket: Int64] = [:]
                for (bucket, amount) in zip(Bucket.allCases, sums) where amount != 0 { buckets[bucket] = amount }
                rows.append(AgingRow(customerId: customer[0], customerName: customer[1], amounts: buckets))
            }
            return Aging(asOf: day, rows: rows)
        }
    }

    /// Adds `(invoice id, amount)` rows to `sums`.
    private static func add(_ db: Database, sql: String, _ day: String, to sums: inout [Int64: Int64]) throws {
        let rows = try Row.fetchCursor(db, sql: sql, arguments: [day])
        while let row = try rows.next() { sums[row[0], default: 0] += row[1] }
    }

    package init(database: AppDatabase, settings: BillingSettings) {
        self.database = database
        self.settings = settings
    }
}

extension BillingSettings {
    /// A request that states its amounts' currency must state the lab's: LabBox bills in one
    /// currency and never converts, so another is refused (422 on `currency`), not ignored.
    func requireCurrency(_ code: String?) throws {
        guard let code, !code.isEmpty, code.uppercased() != currency.code else { return }
        throw APIError.validationFailed(
            "Amounts are in the lab's currency, \(currency.code), not \(code).", field: "currency")
    }
}
