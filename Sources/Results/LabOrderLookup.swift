import Customers
import GRDB
import LabBoxPlatform
import LabBoxServer

extension ResultStore {
    /// Orders for a picker (a task about an order): the one whose id, reference or purchase order
    /// is exactly `words`, then the newest whose reference or purchase order starts with the words
    /// or whose customer's name does.
    package func lookupOrders(_ words: String) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            let exact = try Self.orderMatches(
                db,
                literal: """
                    o.id = \(Lookup.id(words)) OR o.reference = \(words) OR o.purchase_order = \(words)
                    """, exact: true)
            var condition: SQL = "instr(o.reference, \(words)) = 1 OR instr(o.purchase_order, \(words)) = 1"
            if let named = CustomerStore.customerNamed(words, column: "o.customer_id") {
                condition = "(\(condition)) OR \(named)"
            }
            return Lookup.ranked(exact: exact, others: try Self.orderMatches(db, literal: condition, exact: false))
        }
    }

    private static func orderMatches(_ db: Database, literal condition: SQL, exact: Bool) throws -> [Lookup.Match] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest(
                literal: """
                    SELECT o.id, o.ordered_on, o.reference, c.name FROM lab_orders o JOIN customers c ON c.id = o.customer_id
                    WHERE \(condition) ORDER BY o.id DESC LIMIT \(Lookup.limit)
                    """))
        return rows.map { row in
            let reference: String = row[2]
            let id: Int64 = row[0]
            return Lookup.Match(
                id: id, label: reference.isEmpty ? "Order #\(id)" : "Order \(reference)",
                detail: [row[3] as String, "ordered \(row[1] as String)"].joined(separator: " · "), exact: exact)
        }
    }
}
