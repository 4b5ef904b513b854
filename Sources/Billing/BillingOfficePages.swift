import LabBoxPlatform
import LabBoxServer
import LabBoxValues

// The models of the office pages (decision 0020): bank statements and their review, reminders and
// their letters, customer statements; amounts already as text in the lab's currency.

/// `billing/statements.mustache`: imported bank statements and the upload form.
struct BankStatementsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let filename: String
        let importedAt: String
        let lines: Int
        let skipped: Int
        let pending: Int
    }
    let statements: [Row]
    let hasStatements: Bool
    let currency: String
    let canWrite: Bool
    let error: String?
    let csv: String
}

/// `billing/statement-review.mustache`: each line, its proposal, and the choices to decide it.
struct StatementReviewPage: Encodable {
    struct Line: Encodable {
        let id: Int64
        let number: Int
        let bookedOn: String
        let amount: String
        let reference: String
        let counterparty: String
        let state: String
        let isPending: Bool
        /// Money coming in: it may pay any open invoice or be any customer's credit, chosen with
        /// the picker beside the menu.
        let isIncoming: Bool
        let paymentId: Int64?
        let rule: String
        let choices: [Choice]
    }
    let id: Int64
    let filename: String
    let skipped: Int
    let lines: [Line]
    let hasPending: Bool
    let currency: String
    let canWrite: Bool

    init(_ review: BankStatementStore.Review, currency: Currency, canWrite: Bool) {
        id = review.statement.id ?? 0
        filename = review.statement.filename.isEmpty ? "Statement \(id)" : review.statement.filename
        skipped = review.statement.skipped
        self.currency = currency.code
        self.canWrite = canWrite
        hasPending = review.pending > 0
        lines = review.lines.map { line, proposal in
            var choices = [Choice(value: "", label: "Decide later"), Choice(value: "ignore", label: "Ignore")]
            var proposed = proposal?.rule == .outgoing ? "ignore" : ""
            if let proposal, let customer = proposal.customer, proposal.rule != .outgoing {
                let invoices = proposal.invoices
                proposed =
                    invoices.isEmpty
                    ? "customer:\(customer.id)" : "invoices:" + invoices.map { String($0.id) }.joined(separator: ",")
                let what =
                    invoices.isEmpty
                    ? "credit of \(customer.name)"
                    : invoices.map(\.number).joined(separator: " + ") + " · \(customer.name)"
                        + (invoices.count == 1 ? " · open \(currency.text(invoices[0].open))" : "")
                choices.append(Choice(value: proposed, label: "Proposed (\(proposal.rule.rawValue)): \(what)"))
            }
            return Line(
                id: line.id ?? 0, number: line.lineNumber, bookedOn: line.bookedOn,
                amount: currency.text(line.amountMinor), reference: line.reference, counterparty: line.counterparty,
                state: line.state.rawValue, isPending: line.state == .pending, isIncoming: line.amountMinor > 0,
                paymentId: line.paymentId,
                rule: proposal.map { $0.rule == .none ? "no match" : $0.rule.rawValue } ?? "",
                choices: choices.map { Choice(value: $0.value, label: $0.label, selected: $0.value == proposed) })
        }
    }
}

/// `billing/reminders.mustache`.
struct RemindersPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let sentOn: String
        let level: Int
        let title: String
        let invoiceId: Int64
        let number: String
        let customer: String
        let daysPastDue: Int
        let open: String
        let email: String
    }
    let reminders: [Row]
    let hasReminders: Bool
    let levels: String
    let currency: String
    let canWrite: Bool
    /// The query of the next (older) page, and the link back to the first.
    let next: String?
    let firstPage: String?
}

/// `billing/reminder-print.mustache`: the letter, on A4 or Letter.
struct ReminderLetterPage: Encodable {
    let id: Int64
    let invoiceId: Int64
    let title: String
    let isFinal: Bool
    let seller: [String]
    let buyer: [String]
    let sentOn: String
    let number: String
    let issueDate: String
    let dueDate: String
    let daysPastDue: Int
    let gross: String
    let open: String
    let currency: String
    let iban: String
    let bic: String
    let paper: String
}

/// `billing/customer-statement.mustache`: a customer's account over a period, printable.
struct StatementPage: Encodable {
    struct Entry: Encodable {
        let day: String
        let kind: String
        let text: String
        let link: String?
        let amount: String
        let balance: String
    }
    let customerId: Int64
    let customer: String
    let address: [String]
    let seller: String
    let from: String
    let to: String
    let opening: String
    let closing: String
    /// The closing balance as what the customer owes, or as their credit.
    let owes: String?
    let credit: String?
    let entries: [Entry]
    let hasEntries: Bool
    let currency: String
    let paper: String
    let canWrite: Bool

    init(_ statement: CustomerStatement, currency: Currency, seller: String, paper: String, canWrite: Bool) {
        let customer = statement.customer
        (customerId, self.customer, self.seller) = (customer.id ?? 0, customer.name, seller)
        address = [
            customer.address, [customer.postcode, customer.city].filter { !$0.isEmpty }.joined(separator: " "),
            customer.country,
        ].filter { !$0.isEmpty }
        (from, to) = (statement.from, statement.to)
        opening = currency.text(statement.opening)
        closing = currency.text(statement.closing)
        owes = statement.closing > 0 ? currency.text(statement.closing) : nil
        credit = statement.closing < 0 ? currency.text(-statement.closing) : nil
        entries = statement.entries.map {
            Entry(
                day: $0.day, kind: $0.kind.label, text: $0.text,
                link: $0.kind == .invoice || $0.kind == .creditNote ? "/billing/invoices/\($0.id)" : nil,
                amount: currency.text($0.amount), balance: currency.text($0.balance))
        }
        hasEntries = !entries.isEmpty
        self.currency = currency.code
        (self.paper, self.canWrite) = (paper, canWrite)
    }
}

// The posted forms.

struct StatementUploadForm: Decodable {
    var csv: String?
    var filename: String?
}

struct PeriodForm: Decodable {
    var from: String?
    var to: String?
}

struct RefundForm: Decodable {
    var amount: String?
    var refundedOn: String?
    var method: String?
    var reference: String?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case amount, method, reference, reason
        case refundedOn = "refunded_on"
    }
}

/// `billing/payment.mustache`: one payment, where it went, and the refund form.
struct PaymentPage: Encodable {
    struct Refund: Encodable {
        let refundedOn: String
        let amount: String
        let method: String
        let reference: String
        let reason: String
    }
    let id: Int64
    let customerId: Int64
    let customer: String
    let receivedOn: String
    let amount: String
    let method: String
    let reference: String
    let notes: String
    let allocated: String
    let refunded: String
    let unallocated: String
    let canRefund: Bool
    let refunds: [Refund]
    let hasRefunds: Bool
    let methods: [Choice]
    let currency: String
}
