/// What a mail template is rendered with. Its properties are the template's keys in snake_case; an
/// optional left nil is an absent key, so a `{{#flagged}}` section shows only when it is set.
/// `sample` is what an admin's preview renders: the type the sending code fills, so what the
/// preview offers and what a sent mail holds cannot drift apart.
package protocol MailModel: Encodable, Sendable {
    /// `Resources/templates/<template>.mustache` (and `.html.mustache` where there is one).
    static var template: String { get }
    static var sample: Self { get }
}

/// To a person an admin gave an account.
package struct WelcomeMail: MailModel {
    package static let template = "email-welcome"
    let name, email, role, lab, link, invitedBy: String

    package init(name: String, email: String, role: String, lab: String, link: String, invitedBy: String) {
        (self.name, self.email, self.role, self.lab, self.link, self.invitedBy) =
            (name, email, role, lab, link, invitedBy)
    }

    package static let sample = WelcomeMail(
        name: "Dana Weber", email: "dana@lab.example", role: "technician", lab: "Northfield Veterinary Lab",
        link: "https://labbox.example/login", invitedBy: "Sam Admin")
}

/// The link a person asked for with "Forgot password?".
package struct PasswordResetMail: MailModel {
    package static let template = "email-password-reset"
    let name, email, lab, link, expires: String
    let minutes: Int

    package init(name: String, email: String, lab: String, link: String, expires: String, minutes: Int) {
        (self.name, self.email, self.lab, self.link, self.expires, self.minutes) =
            (name, email, lab, link, expires, minutes)
    }

    package static let sample = PasswordResetMail(
        name: "Dana Weber", email: "dana@lab.example", lab: "Northfield Veterinary Lab",
        link: "https://labbox.example/reset?token=sample", expires: "6 Dec 2026, 10:30 CET", minutes: 30)
}

/// To a customer when an order's results are verified: a link (`link`, `expires`, `days`) or the
/// report attached (`attachment`).
package struct ResultsReadyMail: MailModel {
    package static let template = "email-results-ready"
    let name, customer, lab: String
    let order: Int64
    let orderedOn: String
    let results: Int
    /// How many results are outside their reference range; nil when none is.
    let flagged: Int?
    let reference: String?
    package var link: String?
    package var expires: String?
    package var days: Int?
    package var attachment: String?

    package init(
        name: String, customer: String, lab: String, order: Int64, orderedOn: String, results: Int, flagged: Int?,
        reference: String?
    ) {
        (self.name, self.customer, self.lab, self.order, self.orderedOn) = (name, customer, lab, order, orderedOn)
        (self.results, self.flagged, self.reference) = (results, flagged, reference)
    }

    package static let sample: ResultsReadyMail = {
        var mail = ResultsReadyMail(
            name: "Jo Green", customer: "Green Farm", lab: "Northfield Veterinary Lab", order: 1042,
            orderedOn: "2026-12-01", results: 6, flagged: 1, reference: "Herd check")
        mail.link = "https://labbox.example/shared/results/sample"
        mail.expires = "5 Jan 2027, 10:30 CET"
        mail.days = 30
        return mail
    }()
}

/// An issued invoice or credit note; the invoice and its e-invoice XML are attached.
package struct InvoiceMail: MailModel {
    package static let template = "email-invoice"
    let kind, kindLower: String
    let isInvoice: Bool
    let number, buyer, seller, issueDate, dueDate, gross, currency, iban, bic, purchaseOrder: String

    package init(
        kind: String, isInvoice: Bool, number: String, buyer: String, seller: String, issueDate: String,
        dueDate: String, gross: String, currency: String, iban: String, bic: String, purchaseOrder: String
    ) {
        (self.kind, self.kindLower, self.isInvoice, self.number) = (kind, kind.lowercased(), isInvoice, number)
        (self.buyer, self.seller, self.issueDate, self.dueDate) = (buyer, seller, issueDate, dueDate)
        (self.gross, self.currency, self.iban, self.bic, self.purchaseOrder) = (
            gross, currency, iban, bic, purchaseOrder
        )
    }

    package static let sample = InvoiceMail(
        kind: "Invoice", isInvoice: true, number: "2026-0042", buyer: "Green Farm", seller: "Northfield Veterinary Lab",
        issueDate: "2026-12-06", dueDate: "2026-12-20", gross: "214.20", currency: "EUR",
        iban: "DE02120300000000202051", bic: "BYLADEM1001", purchaseOrder: "PO-4711")
}

/// A dunning level's letter about an overdue invoice.
package struct ReminderMail: MailModel {
    package static let template = "email-reminder"
    let title: String
    /// The last level, which says what happens next.
    let `final`: Bool
    let buyer, seller, number, issueDate, dueDate: String
    let daysPastDue: Int
    let open, currency, iban, bic: String

    package init(
        title: String, final: Bool, buyer: String, seller: String, number: String, issueDate: String,
        dueDate: String, daysPastDue: Int, open: String, currency: String, iban: String, bic: String
    ) {
        (self.title, self.final, self.buyer, self.seller, self.number) = (title, final, buyer, seller, number)
        (self.issueDate, self.dueDate, self.daysPastDue) = (issueDate, dueDate, daysPastDue)
        (self.open, self.currency, self.iban, self.bic) = (open, currency, iban, bic)
    }

    package static let sample = ReminderMail(
        title: "Payment reminder", final: false, buyer: "Green Farm", seller: "Northfield Veterinary Lab",
        number: "2026-0042", issueDate: "2026-11-01", dueDate: "2026-11-15", daysPastDue: 21, open: "214.20",
        currency: "EUR", iban: "DE02120300000000202051", bic: "BYLADEM1001")
}

/// A customer's statement of a period: `owes` or `credit`, whichever applies.
package struct StatementMail: MailModel {
    package static let template = "email-statement"

    package struct Entry: Encodable, Sendable {
        let day, kind, text, amount, balance: String

        package init(day: String, kind: String, text: String, amount: String, balance: String) {
            (self.day, self.kind, self.text, self.amount, self.balance) = (day, kind, text, amount, balance)
        }
    }

    let customer, seller, from, to, currency, opening, closing: String
    let entries: [Entry]
    let owes: String?
    let credit: String?

    package init(
        customer: String, seller: String, from: String, to: String, currency: String, opening: String,
        closing: String, entries: [Entry], owes: String?, credit: String?
    ) {
        (self.customer, self.seller, self.from, self.to, self.currency) = (customer, seller, from, to, currency)
        (self.opening, self.closing, self.entries, self.owes, self.credit) = (opening, closing, entries, owes, credit)
    }

    package static let sample = StatementMail(
        customer: "Green Farm", seller: "Northfield Veterinary Lab", from: "2026-11-01", to: "2026-11-30",
        currency: "EUR", opening: "0.00", closing: "214.20",
        entries: [
            Entry(day: "2026-11-03", kind: "Invoice", text: "2026-0042", amount: "214.20", balance: "214.20")
        ], owes: "214.20", credit: nil)
}

/// Reminders and security alerts to lab staff.
package struct NotificationMail: MailModel {
    package static let template = "email-notification"
    let name, title, body, link: String

    package init(name: String, title: String, body: String, link: String) {
        (self.name, self.title, self.body, self.link) = (name, title, body, link)
    }

    package static let sample = NotificationMail(
        name: "Dana Weber", title: "Tank T2 has had no LN2 fill for 8 days", body: "Fill it or record the fill.",
        link: "https://labbox.example/storage/2")
}

/// A saved report sent on its schedule, its summary compared with the previous period; the full
/// report is attached as CSV and HTML.
package struct ScheduledReportMail: MailModel {
    package static let template = "email-report"

    package struct Figure: Encodable, Sendable {
        let label, value, previous, change: String

        package init(label: String, value: String, previous: String, change: String) {
            (self.label, self.value, self.previous, self.change) = (label, value, previous, change)
        }
    }

    let title, from, to, previousFrom, previousTo: String
    let summary: [Figure]

    package init(title: String, from: String, to: String, previousFrom: String, previousTo: String, summary: [Figure]) {
        (self.title, self.from, self.to, self.previousFrom, self.previousTo) = (
            title, from, to, previousFrom, previousTo
        )
        self.summary = summary
    }

    package static let sample = ScheduledReportMail(
        title: "Lab tests", from: "2026-11-01", to: "2026-11-30", previousFrom: "2026-10-01",
        previousTo: "2026-10-31",
        summary: [
            Figure(label: "Tests verified", value: "412", previous: "380", change: "+8.4 %"),
            Figure(label: "Median turnaround (hours)", value: "26", previous: "31", change: "−16.1 %"),
        ])
}
