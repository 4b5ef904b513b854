import GRDB
import LabBoxPlatform
import LabBoxServer

extension CustomerStore {
    /// Customers for a picker: the one whose id or email is exactly `words`, then those whose name,
    /// contact, city or email start with the words. Deleted customers are never offered.
    package func lookup(_ words: String) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            let exact = try Customer.filter(
                Customer.CodingKeys.id == Lookup.id(words) || Customer.CodingKeys.email == words
            ).filter(Customer.CodingKeys.deletedAt == nil).limit(Lookup.limit).fetchAll(db)
            var request = Customer.filter(Customer.CodingKeys.deletedAt == nil)
            if let match = SearchIndex.matchExpression(words) {
                request = request.filter(
                    literal: "id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH \(match))")
            }
            let others = try request.order(Customer.CodingKeys.name).limit(Lookup.limit).fetchAll(db)
            return Lookup.ranked(
                exact: exact.map { Self.match($0, exact: true) }, others: others.map { Self.match($0, exact: false) })
        }
    }

    /// For the lookups of what belongs to a customer (orders, invoices): "`column` is a customer
    /// whose name, contact, city or email start with `words`", or nil when there are no words.
    package static func customerNamed(_ words: String, column: SQL) -> SQL? {
        SearchIndex.matchExpression(words).map {
            "\(column) IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH \($0))"
        }
    }

    private static func match(_ customer: Customer, exact: Bool) -> Lookup.Match {
        let detail = [customer.contactName, customer.city, customer.email].filter { !$0.isEmpty }
        return Lookup.Match(
            id: customer.id ?? 0, label: customer.name, detail: detail.joined(separator: " · "), exact: exact)
    }
}
