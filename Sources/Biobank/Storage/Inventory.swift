import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// What is on hand in the store: items and doses per tank, per sire and per customer.
package enum Inventory {
    package enum Grouping: String, CaseIterable, Sendable {
        case tank, sire, customer
    }

    package struct Row: Codable, Sendable {
        package let id: Int64
        package let name: String
        /// Items stored (straws, vials, tubes).
        package let items: Int
        /// Doses on hand; an item without a dose count counts as one.
        package let doses: Int
    }

    package struct Report: ResponseEncodable, Sendable {
        package let by: String
        package let items: [Row]
    }

    package static func rows(_ db: Database, by grouping: Grouping) throws -> [Row] {
        let sql: String
        switch grouping {
        case .tank:
            sql = """
                WITH RECURSIVE below(id, tank) AS (
                    SELECT id, id FROM storage_containers WHERE kind = 'tank'
                    UNION ALL SELECT c.id, below.tank FROM storage_containers c JOIN below ON c.parent_id = below.id)
                SELECT t.id, t.name, COUNT(s.id) AS items, COALESCE(SUM(COALESCE(s.doses, 1)), 0) AS doses
                FROM storage_containers t JOIN below ON below.tank = t.id
                LEFT JOIN samples s ON s.container_id = below.id
                GROUP BY t.id ORDER BY doses DESC, t.name
                """
        case .sire:
            sql = """
                SELECT a.id, CASE a.name WHEN '' THEN 'Animal #' || a.id ELSE a.name END AS name,
                    COUNT(s.id) AS items, SUM(COALESCE(s.doses, 1)) AS doses
                FROM samples s JOIN animals a ON a.id = s.animal_id
                WHERE s.kind = 'semen' AND s.container_id IS NOT NULL AND a.sex = 'male'
                GROUP BY a.id ORDER BY doses DESC, name LIMIT 500
                """
        case .customer:
            sql = """
                SELECT c.id, c.name, COUNT(s.id) AS items, SUM(COALESCE(s.doses, 1)) AS doses
                FROM samples s JOIN animals a ON a.id = s.animal_id JOIN customers c ON c.id = a.owner_id
                WHERE s.container_id IS NOT NULL AND c.deleted_at IS NULL
                GROUP BY c.id ORDER BY doses DESC, c.name LIMIT 500
                """
        }
        return try Row.fetchAll(db, sql: sql)
    }
}

extension Inventory.Row: FetchableRecord {}

/// `/storage/inventory` and `/api/v1/storage/inventory?by=tank|sire|customer`.
package struct InventoryController {
    package let database: AppDatabase
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/storage/inventory", .storageRead, .inventoryOnHand) { request, _ in
            let grouping = try grouping(request)
            return Inventory.Report(by: grouping.rawValue, items: try await rows(grouping))
        }
        routes.get("/storage/inventory", .storageRead) { request, context in
            let grouping = try grouping(request)
            let rows = try await rows(grouping)
            let top = max(rows.map(\.doses).max() ?? 1, 1)
            let paths: [Inventory.Grouping: String] = [
                .tank: "/storage/", .sire: "/animals/", .customer: "/customers/",
            ]
            return pages.page(
                "biobank/inventory", title: "Inventory", section: "storage", request: request, context: context,
                model: InventoryPage(
                    groupings: Inventory.Grouping.allCases.map { Choice(value: $0.rawValue, selected: $0 == grouping) },
                    by: grouping.rawValue, empty: rows.isEmpty, top: top,
                    rows: rows.map {
                        InventoryPage.Row(
                            name: $0.name, href: (paths[grouping] ?? "/") + String($0.id), items: $0.items,
                            doses: $0.doses)
                    },
                    totalItems: rows.reduce(0) { $0 + $1.items }, totalDoses: rows.reduce(0) { $0 + $1.doses }))
        }
    }

    /// `inventory.mustache`.
    struct InventoryPage: Encodable {
        struct Row: Encodable {
            let name: String
            let href: String
            let items: Int
            let doses: Int
        }
        let groupings: [Choice]
        let by: String
        let empty: Bool
        let top: Int
        let rows: [Row]
        let totalItems: Int
        let totalDoses: Int
    }

    private func grouping(_ request: Request) throws -> Inventory.Grouping {
        try ListQuery(request).choice("by", in: Inventory.Grouping.allCases.map(\.rawValue))
            .flatMap(Inventory.Grouping.init) ?? .tank
    }

    private func rows(_ grouping: Inventory.Grouping) async throws -> [Inventory.Row] {
        try await database.read { try Inventory.rows($0, by: grouping) }
    }

    package init(database: AppDatabase, pages: PageRenderer) {
        self.database = database
        self.pages = pages
    }
}
