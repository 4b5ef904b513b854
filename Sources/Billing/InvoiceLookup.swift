import Customers
import GRDB
import LabBoxPlatform
import LabBoxServer

extension InvoiceStore {
    /// Invoices and credit notes for a picker (a task about an invoice): the one whose id or number
    /// is exactly `words`, then the newest whose number starts with the words or whose buyer's name
    /// does. `open`: only issued invoices with something left to pay (a bank line paying one).
    package func lookup(_ words: String, open: Bool = false) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            let payable: SQL =
                open
                ? """
                i.kind = 'invoice' AND i.state = 'issued' AND i.gross_minor
                  + COALESCE((SELECT SUM(n.gross_minor) FROM invoices n WHERE n.corrects_id = i.id AND n.state = 'issued'), 0)
                  - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocations a WHERE a.invoice_id = i.id), 0) > 0
                """ : "1"
            let exact = try Self.matches(
                db, literal: "(i.id = \(Lookup.id(words)) OR i.number = \(words)) AND \(payable)", exact: true)
            var condition: SQL = "instr(i.number, \(words)) = 1"
            if let named = CustomerStore.customerNamed(words, column: "i.customer_id") {
                condition = "\(condition) OR \(named)"
            }
            return Lookup.ranked(
                exact: exact, others: try Self.matches(db, literal: "(\(condition)) AND \(payable)", exact: false))
        }
    }

    private static func matches(_ db: Database, literal condition: SQL, exact: Bool) throws -> [Lookup.Match] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest(
                literal: """
                    SELECT i.id, i.kind, i.state, i.number, i.issue_date, c.name FROM invoices i
                    JOIN customers c ON c.id = i.customer_id
                    WHERE \(condition) ORDER BY i.id DESC LIMIT \(Lookup.limit)
                    """))
        return rows.map { row in
            let id: Int64 = row[0]
            let kind = Invoice.Kind(rawValue: row[1]) ?? .invoice
            let number: String? = row[3]
            let issued: String? = row[4]
            return Lookup.Match(
                id: id, label: "\(kind.label) \(number ?? "draft #\(id)")",
                detail: [row[5], row[2], issued].compactMap { $0 }.joined(separator: " · "), exact: exact)
        }
    }
}
