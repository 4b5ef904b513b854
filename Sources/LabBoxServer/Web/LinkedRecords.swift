import GRDB
import LabBoxPlatform
import LabBoxValues

/// A kind of record linked to the one a page shows: a customer's animals, an animal's samples.
/// The feature owning the linked records declares it; the composition root hands it to the page of
/// the record it links to, which sits on a lower floor and cannot read those records itself. Each
/// list is read with its own feature's read permission: a technician sees no invoices.
package struct RecordLinks: Sendable {
    /// One linked record: where it is, how it is named, a line about it, and optionally a second
    /// link (an order's report).
    package struct Item: Encodable, Sendable {
        package let href: String
        package let label: String
        package let detail: String
        package let actionHref: String?
        package let actionLabel: String?

        package init(href: String, label: String, detail: String, action: (href: String, label: String)? = nil) {
            self.href = href
            self.label = label
            self.detail = detail
            actionHref = action?.href
            actionLabel = action?.label
        }
    }

    /// `linked-records.mustache`: the first items of one kind and the way to all of them.
    package struct Panel: Encodable, Sendable {
        package let key: String
        package let title: String
        package let items: [Item]
        package let total: Int
        package let empty: Bool
        /// The full list, filtered to this record, when it holds more than the panel shows.
        package let seeAll: String?
    }

    /// How many items a panel shows when a filtered list holds the rest, and at most otherwise.
    package static let shown = 10
    package static let shownWithoutList = 100

    /// A stable name for the panel's element id and for tests (`samples`, `invoices`).
    package let key: String
    package let title: String
    package let permission: Permission
    /// The list of all of them for record `id`, when one exists.
    package let seeAll: (@Sendable (_ id: Int64) -> String)?
    /// How many records link to `id`, and the first `limit` of them, newest or most relevant first.
    package let load:
        @Sendable (_ db: Database, _ id: Int64, _ limit: Int, _ time: LabTime) throws -> (total: Int, items: [Item])

    package init(
        key: String, title: String, permission: Permission, seeAll: (@Sendable (_ id: Int64) -> String)?,
        load:
            @escaping @Sendable (_ db: Database, _ id: Int64, _ limit: Int, _ time: LabTime) throws -> (
                total: Int, items: [Item]
            )
    ) {
        self.key = key
        self.title = title
        self.permission = permission
        self.seeAll = seeAll
        self.load = load
    }

    /// The panel most features need: the rows of `from` (a FROM clause whose `?` or `?1` is the
    /// record's id), how many there are and the first of them in `order`, each made an item from
    /// its row (`select`'s columns) and the record's id.
    package init(
        key: String, title: String, permission: Permission, seeAll: (@Sendable (_ id: Int64) -> String)?,
        select: String, from: String, order: String, item: @escaping @Sendable (_ row: Row, _ id: Int64) throws -> Item
    ) {
        self.init(key: key, title: title, permission: permission, seeAll: seeAll) { db, id, limit, _ in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: [id]) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(select) \(from) ORDER BY \(order) LIMIT ?", arguments: [id, limit])
            return (total, try rows.map { try item($0, id) })
        }
    }

    /// The panels of `links` that `principal` may read, for record `id`, read in one snapshot.
    package static func panels(
        _ links: [RecordLinks], id: Int64, database: AppDatabase, principal: Principal?, time: LabTime
    ) async throws -> [Panel] {
        let readable = links.filter { principal?.can($0.permission) == true }
        guard !readable.isEmpty else { return [] }
        return try await database.read { db in
            try readable.map { link in
                let (total, items) = try link.load(db, id, link.seeAll == nil ? shownWithoutList : shown, time)
                return Panel(
                    key: link.key, title: link.title, items: items, total: total, empty: total == 0,
                    seeAll: total > items.count ? link.seeAll?(id) : nil)
            }
        }
    }
}
