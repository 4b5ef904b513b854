import Animals
import Biobank
import Customers
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Full-text search (SQLite FTS5) across samples, animals and customers, and the barcode lookup
/// behind the search box: a scanned external id goes straight to its sample.
package struct SearchStore: Sendable {
    package let database: AppDatabase

    package struct Hit: Codable, Sendable {
        package let type: String
        package let id: Int64
        package let title: String
        package let detail: String
    }

    package struct Results: ResponseEncodable, Sendable {
        /// The sample whose external id is exactly the query (a scanned barcode), if any.
        package let exact: Hit?
        package let items: [Hit]
    }

    /// Up to `limit` hits per kind the principal may read.
    package func search(_ query: String, principal: Principal?, limit: Int = 20) async throws -> Results {
        let text = String(query.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard let match = SearchIndex.matchExpression(text) else { return Results(exact: nil, items: []) }
        let readable = Set(
            [Permission.samplesRead, .animalsRead, .customersRead].filter { principal?.can($0) == true })
        if readable.contains(.samplesRead) { try await Sample.searchIndex?.catchUp(database) }
        return try await database.read { db in
            var items: [Hit] = []
            var exact: Hit?
            if readable.contains(.samplesRead) {
                if let sample = try Sample.filter(Sample.CodingKeys.externalId == text).fetchOne(db) {
                    exact = Self.hit(sample)
                }
                items += try Sample.fetchAll(
                    db,
                    sql: """
                        SELECT \(Sample.selection(of: "samples")) FROM samples_fts JOIN samples ON samples.id = samples_fts.rowid
                        WHERE samples_fts MATCH ? ORDER BY rank LIMIT ?
                        """, arguments: [match, limit]
                ).map(Self.hit)
            }
            if readable.contains(.animalsRead) {
                items += try Animal.fetchAll(
                    db,
                    sql: """
                        SELECT animals.* FROM animals_fts JOIN animals ON animals.id = animals_fts.rowid
                        WHERE animals_fts MATCH ? AND animals.deleted_at IS NULL ORDER BY rank LIMIT ?
                        """, arguments: [match, limit]
                ).map { Hit(type: "animal", id: $0.id ?? 0, title: $0.label, detail: "\($0.species), \($0.breed)") }
            }
            if readable.contains(.customersRead) {
                items += try Customer.fetchAll(
                    db,
                    sql: """
                        SELECT customers.* FROM customers_fts JOIN customers ON customers.id = customers_fts.rowid
                        WHERE customers_fts MATCH ? AND customers.deleted_at IS NULL ORDER BY rank LIMIT ?
                        """, arguments: [match, limit]
                ).map { Hit(type: "customer", id: $0.id ?? 0, title: $0.name, detail: $0.city) }
            }
            return Results(exact: exact, items: items)
        }
    }

    private static func hit(_ sample: Sample) -> Hit {
        Hit(
            type: "sample", id: sample.id ?? 0, title: sample.externalId,
            detail: "\(sample.species) \(sample.kind), \(sample.status.label.lowercased())")
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
            let paths = ["sample": "/samples/", "animal": "/animals/", "customer": "/customers/"]
            return pages.page(
                "search/search", title: "Search", section: "search", request: request, context: context,
                model: SearchPage(
                    q: query, searched: !query.isEmpty, empty: results.items.isEmpty,
                    hits: results.items.map {
                        SearchPage.Hit(
                            type: $0.type, href: (paths[$0.type] ?? "/") + String($0.id), title: $0.title,
                            detail: $0.detail)
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
