import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON bodies of the billing office's API; amounts as decimal text, as in ``BillingJSON``.
enum BillingOfficeJSON {
    struct OpenInvoice: Encodable, Sendable {
        let id: Int64
        let number: String
        let open: String
    }

    struct Proposal: Encodable, Sendable {
        let rule: String
        let customerId: Int64?
        let customerName: String?
        let invoices: [OpenInvoice]

        enum CodingKeys: String, CodingKey {
            case rule, invoices
            case customerId = "customer_id"
            case customerName = "customer_name"
        }
    }

    struct Line: Encodable, Sendable {
        let id: Int64
        let lineNumber: Int
        let bookedOn: String
        let amount: String
        let reference: String
        let counterparty: String
        let state: String
        let paymentId: Int64?
        let proposal: Proposal?

        enum CodingKeys: String, CodingKey {
            case id, amount, reference, counterparty, state, proposal
            case lineNumber = "line_number"
            case bookedOn = "booked_on"
            case paymentId = "payment_id"
        }
    }

    struct Statement: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let filename: String
        let createdAt: Date
        let lines: Int
        let skipped: Int
        let pending: Int
        let items: [Line]?

        enum CodingKeys: String, CodingKey {
            case id, filename, lines, skipped, pending, items
            case createdAt = "created_at"
        }

        init(_ summary: BankStatementStore.Summary) {
            let statement = summary.statement
            (id, filename, createdAt) = (statement.id ?? 0, statement.filename, statement.createdAt)
            (lines, skipped, pending, items) = (statement.lines, statement.skipped, summary.pending, nil)
        }

        init(_ review: BankStatementStore.Review, _ currency: Currency) {
            let statement = review.statement
            (id, filename, createdAt) = (statement.id ?? 0, statement.filename, statement.createdAt)
            (lines, skipped, pending) = (statement.lines, statement.skipped, review.pending)
            items = review.lines.map { line, proposal in
                Line(
                    id: line.id ?? 0, lineNumber: line.lineNumber, bookedOn: line.bookedOn,
                    amount: currency.text(line.amountMinor), reference: line.reference,
                    counterparty: line.counterparty, state: line.state.rawValue, paymentId: line.paymentId,
                    proposal: proposal.map {
                        Proposal(
                            rule: $0.rule.rawValue, customerId: $0.customer?.id, customerName: $0.customer?.name,
                            invoices: $0.invoices.map {
                                OpenInvoice(id: $0.id, number: $0.number, open: currency.text($0.open))
                            })
                    })
            }
        }
    }

    struct Refund: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let paymentId: Int64
        let refundedOn: String
        let amount: String
        let method: String
        let reference: String
        let reason: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, amount, method, reference, reason
            case paymentId = "payment_id"
            case refundedOn = "refunded_on"
            case createdAt = "created_at"
        }

        init(_ refund: PaymentRefund, _ currency: Currency) {
            (id, paymentId, refundedOn) = (refund.id ?? 0, refund.paymentId, refund.refundedOn)
            (amount, method, reference) = (currency.text(refund.amountMinor), refund.method.rawValue, refund.reference)
            (reason, createdAt) = (refund.reason, refund.createdAt)
        }
    }

    struct Reminder: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let invoiceId: Int64
        let invoiceNumber: String
        let customerId: Int64
        let customerName: String
        let level: Int
        let title: String
        let sentOn: String
        let daysPastDue: Int
        let open: String
        let email: String

        enum CodingKeys: String, CodingKey {
            case id, level, title, open, email
            case invoiceId = "invoice_id"
            case invoiceNumber = "invoice_number"
            case customerId = "customer_id"
            case customerName = "customer_name"
            case sentOn = "sent_on"
            case daysPastDue = "days_past_due"
        }

        init(_ sent: Dunning.Sent, levels: Int) {
            let reminder = sent.reminder
            let currency = Currency(sent.invoice.currency) ?? .euro
            (id, invoiceId, invoiceNumber) = (reminder.id ?? 0, reminder.invoiceId, sent.invoice.number ?? "")
            (customerId, customerName) = (sent.invoice.customerId, sent.customerName)
            (level, title) = (reminder.level, Dunning.label(level: reminder.level, of: levels))
            (sentOn, daysPastDue, open, email) = (
                reminder.sentOn, reminder.daysPastDue, currency.text(reminder.openMinor), reminder.email
            )
        }
    }

    struct Reminders: Encodable, Sendable, ResponseEncodable {
        let created: Int
        let items: [Reminder]
    }

    struct AccountStatement: Encodable, Sendable, ResponseEncodable {
        struct Entry: Encodable, Sendable {
            let day: String
            let kind: String
            let id: Int64
            let text: String
            let amount: String
            let balance: String
        }
        let customerId: Int64
        let customerName: String
        let from: String
        let to: String
        let currency: String
        let opening: String
        let closing: String
        let entries: [Entry]

        enum CodingKeys: String, CodingKey {
            case from, to, currency, opening, closing, entries
            case customerId = "customer_id"
            case customerName = "customer_name"
        }

        init(_ statement: CustomerStatement, _ currency: Currency) {
            (customerId, customerName) = (statement.customer.id ?? 0, statement.customer.name)
            (from, to, self.currency) = (statement.from, statement.to, currency.code)
            (opening, closing) = (currency.text(statement.opening), currency.text(statement.closing))
            entries = statement.entries.map {
                Entry(
                    day: $0.day, kind: $0.kind.rawValue, id: $0.id, text: $0.text, amount: currency.text($0.amount),
                    balance: currency.text($0.balance))
            }
        }
    }

    struct Sent: Encodable, Sendable, ResponseEncodable {
        let to: String
        let attachments: [String]?
    }
}
