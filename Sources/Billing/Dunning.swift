import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Dunning: reminders of overdue invoices by level (`billing.dunning_days`, e.g. 7,21,35: a
/// friendly reminder, a second one, a final notice), each recorded once per invoice and level and
/// emailed to the customer's billing address in the same transaction (docs/decisions/0028).
package struct Dunning: Sendable {
    package let database: AppDatabase
    package let settings: BillingSettings

    package static let schedule = ScheduledTask(
        name: "billing_dunning", title: "Payment reminders", jobType: "billing.dunning", defaultCron: "0 7 * * *")

    package var job: JobKind {
        JobKind(
            type: "billing.dunning", title: "Payment reminders", permission: "billing:write", maxAttempts: 3,
            onInterrupt: .retry
        ) { execution in
            let sent = try await run(context: execution.job.eventContext)
            execution.log("Sent \(sent.count) reminders")
            return JobOutcome(message: "\(sent.count) reminders", summary: ["reminders": String(sent.count)])
        }
    }

    /// What a level is called on the letter and in the email's subject.
    package static func label(level: Int, of levels: Int) -> String {
        if level == levels && levels > 1 { return "Final notice" }
        return ["Payment reminder", "Second reminder", "Third reminder", "Fourth reminder"][min(level, 4) - 1]
    }

    /// The level an invoice is due for on `day`, if any: the one after the last sent, once the
    /// invoice is that many days past due and, after an earlier reminder, as many days have passed
    /// as lie between the two levels. A first run over long-overdue invoices so starts with the
    /// friendly reminder rather than the final notice, and escalates at the levels' pace.
    package static func nextLevel(
        daysPastDue: Int, last: (level: Int, sentOn: String)?, on day: String, days: [Int]
    ) -> Int? {
        let next = (last?.level ?? 0) + 1
        guard next <= days.count, daysPastDue >= days[next - 1] else { return nil }
        if let last, last.level >= 1 {
            guard let since = Day.between(last.sentOn, day), since >= days[next - 1] - days[last.level - 1] else {
                return nil
            }
        }
        return next
    }

    /// Sends every reminder due today; the reminders made.
    package func run(context: EventContext) async throws -> [InvoiceReminder] {
        let today = Day.today
        return try await database.write(context) { write in
            let overdue = try InvoiceSummary.fetch(
                write.db,
                where:
                    "i.kind = 'invoice' AND i.state = 'issued' AND i.due_date < ? AND i.gross_minor + credited - paid > 0",
                arguments: [today, 100_000], today: today
            )
            var sent: [InvoiceReminder] = []
            for summary in overdue.reversed() {
                let invoice = summary.invoice
                let id = invoice.id ?? 0
                let last = try Row.fetchOne(
                    write.db,
                    sql:
                        "SELECT level, sent_on FROM invoice_reminders WHERE invoice_id = ? ORDER BY level DESC LIMIT 1",
                    arguments: [id]
                ).map { (level: $0["level"] as Int, sentOn: $0["sent_on"] as String) }
                guard let days = Day.between(invoice.dueDate ?? today, today),
                    let level = Self.nextLevel(daysPastDue: days, last: last, on: today, days: settings.dunningDays)
                else { continue }
                let customer = try Customer.fetchOne(write.db, key: invoice.customerId)
                let email =
                    [customer?.billingEmail, customer?.email, invoice.buyerEmail].compactMap { $0 }
                    .first { !$0.isEmpty } ?? ""
                var reminder = InvoiceReminder(
                    invoiceId: id, level: level, sentOn: today, daysPastDue: days, openMinor: summary.open,
                    email: email, createdAt: Date())
                try write.insert(&reminder, action: "remind")
                if !email.isEmpty {
                    try EmailMessage.queue(
                        write.db, to: email,
                        mail: letter(reminder, invoice: invoice, levels: settings.dunningDays.count),
                        subject:
                            "\(Self.label(level: level, of: settings.dunningDays.count)): invoice \(invoice.number ?? "")"
                    )
                }
                sent.append(reminder)
            }
            return sent
        }
    }

    /// What the email and the printed letter say.
    func letter(_ reminder: InvoiceReminder, invoice: Invoice, levels: Int) -> ReminderMail {
        let currency = Currency(invoice.currency) ?? settings.currency
        return ReminderMail(
            title: Self.label(level: reminder.level, of: levels), final: reminder.level == levels && levels > 1,
            buyer: invoice.buyerName, seller: invoice.sellerName, number: invoice.number ?? "",
            issueDate: invoice.issueDate ?? "", dueDate: invoice.dueDate ?? "", daysPastDue: reminder.daysPastDue,
            open: currency.text(reminder.openMinor), currency: currency.code, iban: invoice.sellerIban,
            bic: invoice.sellerBic)
    }

    /// A reminder with what its list and letter show.
    package struct Sent: Sendable {
        package let reminder: InvoiceReminder
        package let invoice: Invoice
        package let customerName: String
    }

    /// Reminders, newest first: `limit` after `after`, and where the next page starts (nil on
    /// the last). Each filter given narrows them: one invoice's, one customer's, those of `ids`.
    package func reminders(
        invoice: Int64? = nil, customer: Int64? = nil, ids: [Int64]? = nil, after: KeysetPosition? = nil,
        limit: Int
    ) async throws -> (items: [Sent], next: KeysetPosition?) {
        try await database.read { db in
            var request = InvoiceReminder.all()
            if let invoice { request = request.filter(InvoiceReminder.CodingKeys.invoiceId == invoice) }
            if let customer {
                request = request.filter(
                    sql: "invoice_id IN (SELECT id FROM invoices WHERE customer_id = ?)", arguments: [customer])
            }
            if let ids { request = request.filter(keys: ids) }
            let page = try request.page(db, order: Self.newestFirst, after: after, limit: limit)
            // The page's invoices and their customers' names, one query each (not one per reminder).
            let invoices = try Dictionary(
                Invoice.fetchAll(db, keys: Set(page.items.map(\.invoiceId))).map { ($0.id ?? 0, $0) },
                uniquingKeysWith: { first, _ in first })
            let names = try Dictionary(
                SQLRequest<Row>(
                    literal: "SELECT id, name FROM customers WHERE id IN \(Set(invoices.values.map(\.customerId)))"
                ).fetchAll(db).map { ($0[0] as Int64, $0[1] as String) }, uniquingKeysWith: { first, _ in first })
            return (
                try page.items.map { reminder in
                    guard let invoice = invoices[reminder.invoiceId] else { throw Self.notFound }
                    return Sent(reminder: reminder, invoice: invoice, customerName: names[invoice.customerId] ?? "")
                }, page.next
            )
        }
    }

    private static let newestFirst = ListOrder(column: "sent_on", descending: true)

    static let notFound = APIError.notFound("No such reminder.")

    package init(database: AppDatabase, settings: BillingSettings) {
        self.database = database
        self.settings = settings
    }
}
