import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// What is on hand in the store (items and doses per tank, per sire and per customer, now: stock
/// has no range) and what flowed over a range of days (samples received, nitrogen filled),
/// compared with the previous period.
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
        package let from: String
        package let to: String
        package let previous: ReportRange
        package let summary: [String: Compared]
        /// Samples received per month of the range.
        package let months: [Month]
        package let items: [Row]
    }

    package struct Month: Encodable, Sendable {
        package let month: String
        package let received: Int
    }

    /// The flows of `range` beside the previous period's: samples received (registered), and the
    /// LN2 fills and litres; and the samples received per month of the lab's calendar. Samples
    /// received are counted per quarter hour as they are written (`samples_received`, migration
    /// 0034): a year of a million samples is at most 35,040 rows, not a million.
    package static func flows(_ db: Database, range: ReportRange, time: LabTime) throws -> (
        summary: [String: Compared], months: [Month]
    ) {
        func figures(_ range: ReportRange) throws -> (received: Int, fills: Int, litres: Double) {
            let (start, end) = range.instants(in: time)
            let received =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(n), 0) FROM samples_received WHERE quarter >= ? AND quarter < ?",
                    arguments: [start, end]) ?? 0
            let fills = try GRDB.Row.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) AS n, COALESCE(SUM(litres), 0) AS litres FROM tank_fills WHERE filled_at >= ? AND filled_at < ?",
                arguments: [start, end])
            return (received, fills?["n"] ?? 0, fills?["litres"] ?? 0)
        }
        let (now, before) = (try figures(range), try figures(range.previous))
        let received = try MonthlyCounts(range, time: time).counts(
            db, table: "samples_received", column: "quarter", weight: "n")
        let months = zip(range.months, received).map { Month(month: $0, received: $1) }
        return (
            [
                "received": Compared(now.received, before.received), "ln2_fills": Compared(now.fills, before.fills),
                "ln2_litres": Compared(now.litres, before.litres),
            ], months
        )
    }

    /// What is on hand, from the counts the triggers of migration 0034 keep in the transaction that
    /// moves a sample: per tank (`container_stock` holds each container's whole subtree) and per
    /// animal and kind (`animal_stock`), so no view counts the stored samples themselves.
    package static func rows(_ db: Database, by grouping: Grouping) throws -> [Row] {
        let sql: String
        switch grouping {
        case .tank:
            sql = """
                SELECT t.id, t.name, k.items, k.doses
                FROM storage_containers t JOIN container_stock k ON k.container_id = t.id
                WHERE t.kind = 'tank' ORDER BY k.doses DESC, t.name
                """
        case .sire:
            sql = """
                SELECT a.id, CASE a.name WHEN '' THEN 'Animal #' || a.id ELSE a.name END AS name,
                    k.items, k.doses
                FROM animal_stock k JOIN animals a ON a.id = k.animal_id
                WHERE k.kind = 'semen' AND k.items > 0 AND a.sex = 'male'
                ORDER BY k.doses DESC, name LIMIT 500
                """
        case .customer:
            sql = """
                SELECT c.id, c.name, SUM(k.items) AS items, SUM(k.doses) AS doses
                FROM animal_stock k JOIN animals a ON a.id = k.animal_id JOIN customers c ON c.id = a.owner_id
                WHERE k.items > 0 AND c.deleted_at IS NULL
                GROUP BY c.id ORDER BY doses DESC, c.name LIMIT 500
                """
        }
        return try Row.fetchAll(db, sql: sql)
    }
}

extension Inventory.Row: FetchableRecord {}

/// `/storage/inventory` and `/api/v1/storage/inventory?by=tank|sire|customer`, with the range of
/// the flows (`range`, `from`, `to`).
package struct InventoryController {
    package let database: AppDatabase
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/storage/inventory", .storageRead, .inventoryOnHand) { request, _ in
            try await report(request)
        }
        routes.get("/storage/inventory", .storageRead) { request, context in
            let report = try await report(request)
            let rows = report.items
            let top = max(rows.map(\.doses).max() ?? 1, 1)
            let grouping = Inventory.Grouping(rawValue: report.by) ?? .tank
            let paths: [Inventory.Grouping: String] = [
                .tank: "/storage/", .sire: "/animals/", .customer: "/customers/",
            ]
            let range = try ReportRange(ListQuery(request), today: pages.time.today, default: .last12Months)
            let summary = [("received", "Samples received"), ("ln2_fills", "LN2 fills"), ("ln2_litres", "LN2 litres")]
                .map { key, label in
                    let figure = report.summary[key] ?? Compared(nil, nil)
                    return InventoryPage.Figure(
                        label: label, value: figure.value.map(TimeChart.number) ?? "—",
                        previous: figure.previous.map(TimeChart.number) ?? "—", change: figure.changeText())
                }
            return pages.page(
                "biobank/inventory", title: "Inventory", section: "storage", request: request, context: context,
                model: InventoryPage(
                    range: RangeForm(
                        action: "/storage/inventory", range: range, today: pages.time.today,
                        keep: [("by", grouping.rawValue)]),
                    summary: summary,
                    chart: TimeChart(
                        id: "chart-received", title: "Samples received by month",
                        description: "Samples registered in the lab per month of the period.",
                        months: report.months.map(\.month),
                        series: [.init("Samples received", report.months.map { Double($0.received) })], style: .columns),
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

    private func report(_ request: Request) async throws -> Inventory.Report {
        let query = ListQuery(request)
        let grouping =
            try query.choice("by", in: Inventory.Grouping.allCases.map(\.rawValue)).flatMap(Inventory.Grouping.init)
            ?? .tank
        let range = try ReportRange(query, today: pages.time.today, default: .last12Months)
        return try await database.read { [time = pages.time] db in
            let flows = try Inventory.flows(db, range: range, time: time)
            return Inventory.Report(
                by: grouping.rawValue, from: range.from, to: range.to, previous: range.previous,
                summary: flows.summary, months: flows.months, items: try Inventory.rows(db, by: grouping))
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
        struct Figure: Encodable {
            let label: String
            let value: String
            let previous: String
            let change: String
        }
        let range: RangeForm
        let summary: [Figure]
        let chart: TimeChart?
        let groupings: [Choice]
        let by: String
        let empty: Bool
        let top: Int
        let rows: [Row]
        let totalItems: Int
        let totalDoses: Int
    }

    package init(database: AppDatabase, pages: PageRenderer) {
        self.database = database
        self.pages = pages
    }
}
