import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The accountant's journal: each issued invoice and credit note, and each payment, as balanced
/// double-entry lines. An invoice debits receivables with its gross and credits revenue (per the
/// service's account) with its net and output VAT (per rate's account) with its VAT; a credit note
/// the reverse; a payment debits the bank and credits receivables. Void invoices are not booked.
package enum Journal {
    package static let columns = ["date", "document", "account", "debit", "credit", "vat_code", "customer"]

    package struct Line: Sendable, Equatable {
        package let date: String
        package let document: String
        package let account: String
        /// Minor units; one of debit and credit is 0.
        package let debit: Int64
        package let credit: Int64
        package let vatCode: String
        package let customer: String
    }

    /// An issued document as it is booked: its gross, its lines' net per revenue account and VAT
    /// rate, and its frozen VAT per rate. Amounts of a credit note are negative, as stored.
    package struct Document: Sendable {
        package struct Revenue: Sendable {
            package let account: String
            package let category: VATCategory
            package let rate: VATRate
            package let net: Int64

            package init(account: String, category: VATCategory, rate: VATRate, net: Int64) {
                (self.account, self.category, self.rate, self.net) = (account, category, rate, net)
            }
        }
        package let date: String
        package let number: String
        package let customer: String
        package let gross: Int64
        package let revenue: [Revenue]
        package let vat: [InvoiceArithmetic.Group]

        package init(
            date: String, number: String, customer: String, gross: Int64, revenue: [Revenue],
            vat: [InvoiceArithmetic.Group]
        ) {
            (self.date, self.number, self.customer, self.gross) = (date, number, customer, gross)
            (self.revenue, self.vat) = (revenue, vat)
        }
    }

    /// `S19`, `S7.7`, `E0`: the VAT category and rate, as accounting software keys them.
    static func vatCode(_ category: VATCategory, _ rate: VATRate) -> String { category.rawValue + rate.text }

    /// A positive amount on its side, a negative one (a credit note) on the other.
    private static func line(
        _ document: Document, account: String, amount: Int64, debit: Bool, vatCode: String = ""
    ) -> Line {
        let onDebit = (amount >= 0) == debit
        return Line(
            date: document.date, document: document.number, account: account,
            debit: onDebit ? abs(amount) : 0, credit: onDebit ? 0 : abs(amount), vatCode: vatCode,
            customer: document.customer)
    }

    /// The document's lines: receivables against revenue and VAT. Balanced when its gross is its
    /// net plus its VAT, which issuing guarantees.
    package static func lines(of document: Document, settings: BillingSettings) -> [Line] {
        var lines = [line(document, account: settings.accountReceivable, amount: document.gross, debit: true)]
        for revenue in document.revenue where revenue.net != 0 {
            lines.append(
                line(
                    document, account: revenue.account.isEmpty ? settings.accountRevenue : revenue.account,
                    amount: revenue.net, debit: false, vatCode: vatCode(revenue.category, revenue.rate)))
        }
        for group in document.vat where group.vat.minor != 0 {
            lines.append(
                line(
                    document, account: settings.vatAccount(rate: group.rate.text), amount: group.vat.minor,
                    debit: false, vatCode: vatCode(group.category, group.rate)))
        }
        return lines
    }

    /// Every line of documents issued and payments received from `from` to `to`, by day.
    static func load(_ db: Database, from: String, to: String, settings: BillingSettings) throws -> [Line] {
        let issued = """
            i.kind IN ('invoice', 'credit_note') AND i.state = 'issued' AND i.issue_date BETWEEN :from AND :to
            """
        let arguments: StatementArguments = ["from": from, "to": to]
        let revenue = Dictionary(
            grouping: try Row.fetchAll(
                db,
                sql: """
                    SELECT l.invoice_id, COALESCE(s.revenue_account, '') AS account, l.vat_category, l.vat_rate_bp,
                      SUM(l.net_minor) AS net
                    FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
                    LEFT JOIN invoice_lines o ON o.id = l.corrects_line_id
                    LEFT JOIN charges ch ON ch.id = COALESCE(l.charge_id, o.charge_id)
                    LEFT JOIN billing_services s ON s.id = ch.service_id
                    WHERE \(issued)
                    GROUP BY l.invoice_id, account, l.vat_category, l.vat_rate_bp
                    """, arguments: arguments), by: { $0["invoice_id"] as Int64 })
        let vat = Dictionary(
            grouping: try Row.fetchAll(
                db,
                sql: """
                    SELECT v.* FROM invoice_vat v JOIN invoices i ON i.id = v.invoice_id WHERE \(issued)
                    """, arguments: arguments), by: { $0["invoice_id"] as Int64 })
        var entries: [(String, Int, [Line])] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT i.id, i.number, i.issue_date, i.gross_minor, c.name FROM invoices i
                JOIN customers c ON c.id = i.customer_id WHERE \(issued) ORDER BY i.issue_date, i.id
                """, arguments: arguments)
        {
            let id: Int64 = row["id"]
            let document = Document(
                date: row["issue_date"], number: row["number"], customer: row["name"], gross: row["gross_minor"],
                revenue: (revenue[id] ?? []).map {
                    Document.Revenue(
                        account: $0["account"], category: VATCategory(rawValue: $0["vat_category"]) ?? .standard,
                        rate: VATRate(basisPoints: $0["vat_rate_bp"]) ?? VATRate(basisPoints: 0)!, net: $0["net"])
                },
                vat: (vat[id] ?? []).map {
                    InvoiceArithmetic.Group(
                        category: VATCategory(rawValue: $0["vat_category"]) ?? .standard,
                        rate: VATRate(basisPoints: $0["vat_rate_bp"]) ?? VATRate(basisPoints: 0)!,
                        taxable: Money(minor: $0["taxable_minor"]), vat: Money(minor: $0["vat_minor"]))
                })
            entries.append((document.date, 0, lines(of: document, settings: settings)))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT p.id, p.received_on, p.amount_minor, c.name FROM payments p
                JOIN customers c ON c.id = p.customer_id
                WHERE p.received_on BETWEEN :from AND :to ORDER BY p.received_on, p.id
                """, arguments: arguments)
        {
            let (day, amount, customer): (String, Int64, String) = (
                row["received_on"], row["amount_minor"], row["name"]
            )
            let number = "PAY-\(row["id"] as Int64)"
            entries.append(
                (
                    day, 1,
                    [
                        Line(
                            date: day, document: number, account: settings.accountBank, debit: amount, credit: 0,
                            vatCode: "", customer: customer),
                        Line(
                            date: day, document: number, account: settings.accountReceivable, debit: 0,
                            credit: amount, vatCode: "", customer: customer),
                    ]
                ))
        }
        // Stable: documents before payments on the same day, each in its own order.
        return entries.enumerated().sorted {
            ($0.element.0, $0.element.1, $0.offset) < ($1.element.0, $1.element.1, $1.offset)
        }
        .flatMap(\.element.2)
    }

    /// The journal as CSV, amounts as decimal text.
    package static func csv(_ lines: [Line], currency: Currency) -> String {
        func amount(_ minor: Int64) -> String { minor == 0 ? "" : currency.text(minor) }
        return CSVResponse.line(columns)
            + lines.map {
                CSVResponse.line([
                    $0.date, $0.document, $0.account, amount($0.debit), amount($0.credit), $0.vatCode, $0.customer,
                ])
            }.joined()
    }
}
