import Billing
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// A year of the lab's billing: a price list for the demo's reproduction and lab work, the
/// charges captured from it, each of the past twelve months' storage charged and its work
/// invoiced by the month-end run on the next month's first day, lab orders under a purchase order
/// invoiced as they are verified, payments (in full, in part, late, several invoices at once),
/// one credit note, the reminders due today and a bank statement to review. Written through the
/// stores, so numbering, totals and audit apply as in use; issued month by month in date order,
/// so each series' numbers are gap-free and in date order within each year.
package struct DemoBilling {
    package let database: AppDatabase
    package let config: AppConfig

    package init(database: AppDatabase, config: AppConfig) {
        self.database = database
        self.config = config
    }

    /// Services of the list: code, name, unit, net price, the work it bills.
    static let services: [(String, String, String, String, String?)] = [
        ("OPU", "Ovum pick-up session", "session", "120", "opu_session"),
        ("IVP", "IVF and embryo culture", "batch", "85.50", "ivf_batch"),
        ("ET", "Embryo transfer", "recipient", "65", "embryo_transfer"),
        ("LAB-P4", "Progesterone (ELISA)", "test", "14.90", "lab_test:P4"),
        ("LAB-PTM", "Post-thaw motility (CASA)", "test", "12.50", "lab_test:PTM"),
        ("STORE", "Straw storage", "straw-month", "0.125", StorageAccrual.work),
    ]

    package func generate(context: EventContext) async throws -> String {
        let settings = config.billing
        let prices = PriceListStore(database: database, settings: settings)
        for (code, name, unit, price, work) in Self.services {
            _ = try await prices.create(
                .init(
                    code: code, name: name, unit: unit, vatCategory: "S", vatRate: "19", work: work, unitPrice: price,
                    validFrom: "2020-01-01"), context: context)
        }
        let charged = try await ChargeCapture(database: database).capture(context: context)
        let store = InvoiceStore(database: database, settings: settings, seller: (config.labName, config.labAddress))
        let storage = StorageAccrual(database: database)
        var stored = 0
        var issued: [[Invoice]] = []
        let months = Self.months(back: 12)
        for (month, next) in zip(months, months.dropFirst()) {
            stored += try await storage.accrue(month: month, context: context)
            let day = next + "-01"
            issued.append(
                try await store.invoiceAll(until: Day.adding(-1, to: day) ?? day, on: day, context: context).issued)
        }
        let ordered = try await invoiceOrders(store, context: context)
        let payments = PaymentStore(database: database, settings: settings)
        let (paid, unpaid) = try await pay(issued, payments, context: context)
        let credited = try await creditNote(of: unpaid.last, store, context: context)
        let reminders = try await Dunning(database: database, settings: settings).run(context: context)
        let statement = try await bankStatement(
            paying: unpaid.filter { $0.id != credited }.suffix(3), payments: payments, context: context)
        return "\(Self.services.count) services, \(charged) charges, \(stored) monthly storage charges, "
            + "\(issued.joined().count + ordered) invoices (\(paid) payments), 1 credit note, \(reminders.count) reminders, "
            + "a bank statement of \(statement) lines"
    }

    /// `YYYY-MM` of the `back` months before this one and of this one, oldest first.
    static func months(back: Int) -> [String] {
        let today = Day.today
        let current = (Int(today.prefix(4)) ?? 0) * 12 + (Int(today.dropFirst(5).prefix(2)) ?? 1) - 1
        return (current - back...current).map { String(format: "%04d-%02d", $0 / 12, $0 % 12 + 1) }
    }

    /// This month's verified lab orders that name a purchase order are invoiced at once, one
    /// invoice per order quoting it; the rest waits for the month-end run ("unbilled work").
    private func invoiceOrders(_ store: InvoiceStore, context: EventContext) async throws -> Int {
        let orders = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT ch.customer_id, json_group_array(ch.id) AS charges FROM charges ch
                    JOIN analyses a ON ch.source_key LIKE 'lab_analysis:%'
                      AND a.id = CAST(substr(ch.source_key, 14) AS INTEGER)
                    JOIN lab_orders o ON o.id = a.order_id
                    WHERE ch.invoice_id IS NULL AND o.purchase_order != '' GROUP BY o.id ORDER BY o.id
                    """
            ).map { row -> (Int64, [Int64]) in
                let charges: String = row["charges"]
                return (row["customer_id"], try JSONDecoder().decode([Int64].self, from: Data(charges.utf8)))
            }
        }
        for (customer, charges) in orders {
            let draft = try await store.draft(.init(customerId: customer, chargeIds: charges), context: context)
            _ = try await store.issue(id: draft.id ?? 0, context: context)
        }
        return orders.count
    }

    /// Customers pay most invoices in full two to seven weeks after issue; of each month's run
    /// the fourth in every seven is paid in half and the sixth in every eleven not at all, so the
    /// aging report has amounts in every bucket. Every fourth customer pays three invoices at
    /// once, one payment allocated to all three. Of this month's invoices (not yet due) every third
    /// is paid. The number of payments and the invoices left unpaid, oldest first.
    private func pay(_ runs: [[Invoice]], _ payments: PaymentStore, context: EventContext) async throws
        -> (Int, [Invoice])
    {
        let currency = config.billing.currency
        let thisMonth = String(Day.today.prefix(7))
        let shares = runs.flatMap { run in
            run.enumerated().map { index, invoice in
                if invoice.issueDate?.hasPrefix(thisMonth) ?? true {
                    return (invoice, index % 3 == 2 ? invoice.grossMinor : 0)
                }
                return (invoice, index % 11 == 5 ? 0 : index % 7 == 3 ? invoice.grossMinor / 2 : invoice.grossMinor)
            }
        }
        var count = 0
        var unpaid: [Invoice] = []
        for (number, (customer, theirs)) in Dictionary(grouping: shares, by: { $0.0.customerId })
            .sorted(by: { $0.key < $1.key }).enumerated()
        {
            var batch: [(Invoice, Int64)] = []
            let size = number.isMultiple(of: 4) ? 3 : 1
            for (invoice, share) in theirs {
                guard share > 0 else {
                    unpaid.append(invoice)
                    continue
                }
                batch.append((invoice, share))
                let recent = invoice.issueDate?.hasPrefix(thisMonth) ?? true
                guard batch.count == size || recent || share < invoice.grossMinor else { continue }
                let received = min(
                    Day.adding(14 + Int((invoice.id ?? 0) % 36), to: invoice.issueDate ?? Day.today) ?? Day.today,
                    Day.today)
                let total = batch.reduce(0) { $0 + $1.1 }
                _ = try await payments.record(
                    .init(
                        customerId: customer, receivedOn: received, amount: currency.text(total),
                        reference: batch.compactMap { $0.0.number }.joined(separator: ", "),
                        allocations: batch.map { .init(invoiceId: $0.0.id ?? 0, amount: currency.text($0.1)) }),
                    context: context)
                count += 1
                batch = []
            }
            unpaid += batch.map { $0.0 }
        }
        return (count, unpaid.sorted { ($0.issueDate ?? "", $0.id ?? 0) < ($1.issueDate ?? "", $1.id ?? 0) })
    }

    /// A credit note for the first line of an unpaid invoice: the work was charged in error.
    private func creditNote(of invoice: Invoice?, _ store: InvoiceStore, context: EventContext) async throws
        -> Int64?
    {
        guard let id = invoice?.id else { return nil }
        let line = try await database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT id FROM invoice_lines WHERE invoice_id = ? ORDER BY position LIMIT 1", arguments: [id])
        }
        _ = try await store.credit(
            invoice: id,
            .init(reason: "Charged in error: the work was not done.", lines: line.map { [.init(lineId: $0)] }),
            context: context)
        return id
    }

    /// A statement of today quoting unpaid invoices' numbers and a bank fee; the first line is
    /// confirmed as proposed, the rest wait for review.
    private func bankStatement(
        paying invoices: some Collection<Invoice>, payments: PaymentStore, context: EventContext
    ) async throws -> Int {
        let currency = config.billing.currency
        let lines = invoices.map {
            "\(Day.today),\(currency.text($0.grossMinor)),Invoice \($0.number ?? ""),"
                + "\"\($0.buyerName.replacingOccurrences(of: "\"", with: "\"\""))\""
        }
        let csv = (["date,amount,reference,counterparty"] + lines + ["\(Day.today),-12.50,Account fee,Bank"])
            .joined(separator: "\n")
        let store = BankStatementStore(database: database, payments: payments)
        let statement = try await store.importCSV(csv, filename: "demo-statement.csv", context: context)
        let review = try await store.review(id: statement.id ?? 0)
        if let (line, proposal) = review.lines.first, let proposal, let customer = proposal.customer {
            _ = try await store.confirm(
                statement: statement.id ?? 0,
                [
                    .init(
                        lineId: line.id ?? 0, action: "record", customerId: customer.id,
                        invoiceIds: proposal.invoices.map(\.id))
                ], context: context)
        }
        return statement.lines
    }
}
