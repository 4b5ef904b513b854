import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A customer's account over a period: the balance brought forward, every invoice, credit note,
/// payment and refund of the period with the running balance, and the balance at its end. The
/// balance is what the customer owes (negative: the lab owes them, their credit). Void invoices
/// were never owed and do not appear.
package struct CustomerStatement: Sendable {
    package enum Kind: String, Sendable {
        case invoice
        case creditNote = "credit_note"
        case payment, refund

        package var label: String {
            switch self {
            case .invoice: "Invoice"
            case .creditNote: "Credit note"
            case .payment: "Payment"
            case .refund: "Refund"
            }
        }
    }

    package struct Entry: Sendable {
        package let day: String
        package let kind: Kind
        /// The invoice's id, or the payment's.
        package let id: Int64
        package let text: String
        /// What it adds to the balance: invoices and refunds positive, credit notes and payments negative.
        package let amount: Int64
        package let balance: Int64
    }

    package let customer: Customer
    package let from: String
    package let to: String
    package let opening: Int64
    package let entries: [Entry]
    package var closing: Int64 { entries.last?.balance ?? opening }

    /// Everything that moves the balance, dated: (day, kind order, kind, id, text, amount).
    private static let movements = """
        SELECT issue_date AS day, CASE kind WHEN 'invoice' THEN 0 ELSE 1 END AS sort, kind, id,
               number || CASE WHEN purchase_order != '' THEN ' (your order ' || purchase_order || ')' ELSE '' END
                 AS text, gross_minor AS amount
        FROM invoices WHERE customer_id = :customer AND state = 'issued'
        UNION ALL
        SELECT received_on, 2, 'payment', id, reference, -amount_minor FROM payments WHERE customer_id = :customer
        UNION ALL
        SELECT r.refunded_on, 3, 'refund', r.payment_id, r.reference, r.amount_minor
        FROM payment_refunds r JOIN payments p ON p.id = r.payment_id WHERE p.customer_id = :customer
        """

    static func load(_ db: Database, customer id: Int64, from: String, to: String) throws -> CustomerStatement? {
        guard let customer = try Customer.fetchOne(db, key: id) else { return nil }
        let arguments: StatementArguments = ["customer": id, "from": from, "to": to]
        let opening =
            try Int64.fetchOne(
                db, sql: "SELECT COALESCE(SUM(amount), 0) FROM (\(movements)) WHERE day < :from", arguments: arguments)
            ?? 0
        var balance = opening
        let entries = try Row.fetchAll(
            db,
            sql: "SELECT * FROM (\(movements)) WHERE day BETWEEN :from AND :to ORDER BY day, sort, id",
            arguments: arguments
        ).map { row in
            let amount: Int64 = row["amount"]
            balance += amount
            return Entry(
                day: row["day"], kind: Kind(rawValue: row["kind"]) ?? .invoice, id: row["id"], text: row["text"],
                amount: amount, balance: balance)
        }
        return CustomerStatement(customer: customer, from: from, to: to, opening: opening, entries: entries)
    }

    /// The period asked for: `from` (1 January of this year when absent) to `to` (today); present
    /// but empty is refused like any other non-date (a form passes its fields through `FormText`).
    static func period(from: String?, to: String?) throws -> (from: String, to: String) {
        func day(_ text: String?, _ field: String, _ fallback: String) throws -> String {
            guard let text else { return fallback }
            guard let day = Day.date(text) else { throw APIError.invalid("\(field) must be YYYY-MM-DD.", field: field) }
            return Day.text(day)
        }
        let today = Day.today
        let period = (from: try day(from, "from", String(today.prefix(4)) + "-01-01"), to: try day(to, "to", today))
        guard period.from <= period.to else {
            throw APIError.validationFailed("The period ends before it starts.", field: "to")
        }
        return period
    }
}
