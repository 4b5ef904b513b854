import Animals
import Biobank
import Collaboration
import CustomFields
import Customers
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Full-text search (SQLite FTS5) across samples, animals, customers (their custom field values
/// too) and the document library, each hit with the passage that matched, and the barcode lookup behind the search box: a scanned
/// external id goes straight to its sample.
package struct SearchStore: Sendable {
    package let database: AppDatabase

    package struct Hit: Codable, Sendable {
        package let type: String
        package let id: Int64
        package let title: String
        package let detail: String
        /// HTML: the matching passage escaped, the matched words in `<mark>`.
        package let snippet: String
    }

    package struct Results: ResponseEncodable, Sendable {
        /// The sample whose external id is exactly the query (a scanned barcode), if any.
        package let exact: Hit?
        package var items: [Hit]
    }

    /// Up to `limit` hits per kind the principal may read.
    package func search(_ query: String, principal: Principal?, limit: Int = 20) async throws -> Results {
        let text = String(query.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard let match = SearchIndex.matchExpression(text) else { return Results(exact: nil, items: []) }
        let readable = Set(
            [Permission.samplesRead, .animalsRead, .customersRead, .libraryRead].filter { principal?.can($0) == true })
        if readable.contains(.samplesRead) { try await Sample.searchIndex?.catchUp(database) }
        var results = try await database.read { db in
            var items: [Hit] = []
            var exact: Hit?
            if readable.contains(.samplesRead) {
                if let sample = try Sample.filter(Sample.CodingKeys.externalId == text).fetchOne(db) {
                    exact = Self.hit(sample, snippet: "")
                }
                items += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Sample.selection(of: "samples")), \(Self.snippet("samples_fts")) FROM samples_fts
                        JOIN samples ON samples.id = samples_fts.rowid WHERE samples_fts MATCH ? ORDER BY rank LIMIT ?
                        """, arguments: [match, limit]
                ).map { try Self.hit(Sample(row: $0), snippet: LibraryStore.highlighted($0["snippet"] ?? "")) }
            }
            if readable.contains(.animalsRead) {
                items += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT animals.*, \(Self.snippet("animals_fts")) FROM animals_fts
                        JOIN animals ON animals.id = animals_fts.rowid
                        WHERE animals_fts MATCH ? AND animals.deleted_at IS NULL ORDER BY rank LIMIT ?
                        """, arguments: [match, limit]
                ).map { row in Self.hit(try Animal(row: row), snippet: LibraryStore.highlighted(row["snippet"] ?? "")) }
            }
            if readable.contains(.customersRead) {
                items += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT customers.*, \(Self.snippet("customers_fts")) FROM customers_fts
                        JOIN customers ON customers.id = customers_fts.rowid
                        WHERE customers_fts MATCH ? AND customers.deleted_at IS NULL ORDER BY rank LIMIT ?
                        """, arguments: [match, limit]
                ).map { row in
                    Self.hit(try Customer(row: row), snippet: LibraryStore.highlighted(row["snippet"] ?? ""))
                }
            }
            items += try Self.customFieldHits(db, match, readable: readable, besides: items, limit: limit)
            return Results(exact: exact, items: items)
        }
        if readable.contains(.libraryRead) {
            results.items += try await LibraryStore(database: database).search(match, limit: limit).map {
                Hit(type: "document", id: $0.documentID, title: $0.title, detail: $0.detail, snippet: $0.snippet)
            }
        }
        return results
    }

    /// FTS5's passage around the matches in the best-matching column of `index`, the matches
    /// between the control characters 2 and 3 (``LibraryStore/highlighted(_:)`` makes them `<mark>`).
    private static func snippet(_ index: String) -> String {
        "snippet(\(index), -1, char(2), char(3), '…', 12) AS snippet"
    }

    /// The records whose custom field values match and that no other hit names, each with the
    /// field's label before the passage; deleted animals and customers left out, as above.
    private static func customFieldHits(
        _ db: Database, _ match: String, readable: Set<Permission>, besides found: [Hit], limit: Int
    ) throws -> [Hit] {
        let kinds: [(CustomField.Entity, Permission)] = [
            (.sample, .samplesRead), (.animal, .animalsRead), (.customer, .customersRead),
        ]
        var seen = Set(found.map { "\($0.type) \($0.id)" })
        var hits: [Hit] = []
        for (entity, permission) in kinds where readable.contains(permission) {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT v.entity_id, f.label, \(snippet("custom_field_values_fts")) FROM custom_field_values_fts
                    JOIN custom_field_values v ON v.id = custom_field_values_fts.rowid
                    JOIN custom_fields f ON f.id = v.field_id
                    WHERE custom_field_values_fts MATCH ? AND v.entity_type = ? ORDER BY rank LIMIT ?
                    """, arguments: [match, entity, limit])
            for row in rows where seen.insert("\(entity.rawValue) \(row["entity_id"] as Int64)").inserted {
                let id: Int64 = row["entity_id"]
                let snippet = LibraryStore.highlighted((row["label"] as String) + ": " + (row["snippet"] ?? ""))
                let hit: Hit? =
                    switch entity {
                    case .sample: try Sample.fetchOne(db, key: id).map { Self.hit($0, snippet: snippet) }
                    case .animal:
                        try Animal.filter(key: id).filter(Animal.CodingKeys.deletedAt == nil).fetchOne(db)
                            .map { Self.hit($0, snippet: snippet) }
                    case .customer:
                        try Customer.filter(key: id).filter(Customer.CodingKeys.deletedAt == nil).fetchOne(db)
                            .map { Self.hit($0, snippet: snippet) }
                    }
                if let hit { hits.append(hit) }
            }
        }
        return hits
    }

    private static func hit(_ animal: Animal, snippet: String) -> Hit {
        Hit(
            type: "animal", id: animal.id ?? 0, title: animal.label, detail: "\(animal.species), \(animal.breed)",
            snippet: snippet)
    }

    private static func hit(_ customer: Customer, snippet: String) -> Hit {
        Hit(type: "customer", id: customer.id ?? 0, title: customer.name, detail: customer.city, snippet: snippet)
    }

    private static func hit(_ sample: Sample, snippet: String) -> Hit {
        Hit(
            type: "sample", id: sample.id ?? 0, title: sample.externalId,
            detail: "\(sample.species) \(sample.kind), \(sample.status.label.lowercased())", snippet: snippet)
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}

/// `GET /search` (the search box; a scanned barcode jumps to its sample) and `GET /api/v1/search`.
package struct SearchController {
    package let store: SearchStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/search", .signedIn, .searchEverything) { request, context in
            guard let query = ListQuery(request)["q"] else { throw APIError.invalid("Give q, the words.", field: "q") }
            return try await store.search(query, principal: context.principal)
        }
        routes.get("/search", .signedIn) { request, context in
            let query = ListQuery(request)["q"] ?? ""
            let results = try await store.search(query, principal: context.principal)
            if let exact = results.exact {
                return Response(status: .seeOther, headers: [.location: "/samples/\(exact.id)"])
            }
            let paths = [
                "sample": "/samples/", "animal": "/animals/", "customer": "/customers/", "document": "/library/",
            ]
            return pages.page(
                "search/search", title: "Search", section: "search", request: request, context: context,
                model: SearchPage(
                    q: query, searched: !query.isEmpty, empty: results.items.isEmpty,
                    hits: results.items.map {
                        SearchPage.Hit(
                            type: $0.type, href: (paths[$0.type] ?? "/") + String($0.id), title: $0.title,
                            detail: $0.detail, snippet: $0.snippet)
                    }))
        }
    }

    /// `search.mustache`.
    struct SearchPage: Encodable {
        struct Hit: Encodable {
            let type: String
            let href: String
            let title: String
            let detail: String
            /// Escaped HTML with `<mark>`, shown as it is.
            let snippet: String
        }
        let q: String
        let searched: Bool
        let empty: Bool
        let hits: [Hit]
    }

    package init(store: SearchStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
