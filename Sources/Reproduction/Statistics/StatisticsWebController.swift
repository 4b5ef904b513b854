import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The reproduction figures over a range of days: totals compared with the previous period, monthly
/// charts, pregnancy by embryo grade and fresh or frozen, rates by donor, sire, technician or
/// protocol (donors and sires as a league), and one animal's history as donor or sire.
package struct StatisticsWebController {
    package let database: AppDatabase
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction/stats", .reproductionRead) { request, context in try await stats(request, context) }
        routes.get("/reproduction/animals/{id}", .reproductionRead) { request, context in
            try await animal(request, context)
        }
    }

    private func stats(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let grouping = try ReproductionStats.Grouping(query)
        let today = pages.time.today
        let range = try ReportRange(query, today: today, default: .last12Months)
        let (report, months, grades, preservation, clScores, synchrony) = try await database.read { db in
            (
                try ReproductionStats.report(db, by: grouping, range: range),
                try ReproductionStats.report(db, by: .month, range: range),
                try ReproductionStats.report(db, by: .grade, range: range),
                try ReproductionStats.report(db, by: .preservation, range: range),
                try ReproductionStats.report(db, by: .clScore, range: range),
                try ReproductionStats.report(db, by: .synchrony, range: range)
            )
        }
        let rows = report.items.map { row in
            StatsPage.Row(
                key: row.key, rank: row.rank.map(String.init) ?? "", opu: row.opuSessions, recovery: row.recovery.text,
                inseminated: row.inseminated, cleavage: row.cleavage.text, blastocyst: row.blastocyst.text,
                transfers: row.transfers, diagnosed: row.diagnosed, pregnancy: row.pregnancy.text)
        }
        func pregnancies(_ report: ReproductionStats.Report, label: (String) -> String = { $0.capitalized })
            -> [StatsPage.Pregnancy]
        {
            report.items.sorted { $0.key < $1.key }.map {
                StatsPage.Pregnancy(
                    key: label($0.key), transfers: $0.transfers, pregnant: $0.pregnant, diagnosed: $0.diagnosed,
                    rate: $0.pregnancy.text)
            }
        }
        // Synchrony in numeric order (-1, 0, +1), recipients never enrolled last.
        var synchronyRows = pregnancies(synchrony) { $0 == "(none)" ? "not enrolled" : "\($0) days" }
        synchronyRows.sort {
            (Int($0.key.split(separator: " ")[0]) ?? .max) < (Int($1.key.split(separator: " ")[0]) ?? .max)
        }
        return pages.page(
            "reproduction/reproduction-stats", title: "Reproduction statistics", section: "reproduction",
            request: request,
            context: context,
            model: StatsPage(
                range: RangeForm(
                    action: "/reproduction/stats", range: range, today: today, keep: [("by", grouping.rawValue)]),
                groupings: ReproductionStats.Grouping.allCases.map {
                    Choice(value: $0.rawValue, label: $0.label, selected: $0 == grouping)
                },
                summary: Self.summary(report.summary),
                league: [.donor, .sire].contains(grouping), minimum: ReproductionStats.leagueMinimum,
                rows: rows, empty: rows.isEmpty, chart: Self.chart(Array(report.items.prefix(12))),
                trends: Self.trends(months.items, months: range.months),
                grades: pregnancies(grades), preservation: pregnancies(preservation),
                clScores: pregnancies(clScores) { $0 == "(none)" ? "not enrolled" : $0 },
                synchrony: synchronyRows))
    }

    /// The range's totals beside the previous period's.
    static func summary(_ figures: [String: Compared]) -> [StatsPage.Figure] {
        [
            ("opu_sessions", "OPU sessions", ""), ("oocytes", "Oocytes", ""), ("inseminated", "Inseminated", ""),
            ("cleavage", "Cleavage rate", " %"), ("blastocyst", "Blastocyst rate", " %"),
            ("transfers", "Embryos transferred", ""), ("pregnancy", "Pregnancy rate", " %"),
        ].map { key, label, unit in
            let figure = figures[key] ?? Compared(nil, nil)
            let points = unit.isEmpty ? "" : " points"
            return StatsPage.Figure(
                label: label, value: figure.value.map { TimeChart.number($0) + unit } ?? "—",
                previous: figure.previous.map { TimeChart.number($0) + unit } ?? "—",
                change: figure.changeText(unit: points))
        }
    }

    /// Monthly OPU sessions (columns), cleavage and blastocyst rates, and pregnancy rates (lines).
    static func trends(_ rows: [ReproductionStats.Row], months: [String]) -> [TimeChart] {
        let rates = "Monthly; a month without inseminations or diagnosed transfers has no point."
        return [
            TimeChart(
                id: "chart-opu", title: "OPU sessions by month", description: "Sessions per month of the range.",
                months: months, series: [.init("OPU sessions", rows.map { Double($0.opuSessions) })], style: .columns),
            TimeChart(
                id: "chart-embryo", title: "Cleavage and blastocyst rates by month (of oocytes inseminated)",
                description: rates, months: months,
                series: [
                    .init("Cleavage", rows.map(\.cleavage.percent)),
                    .init("Blastocysts", rows.map(\.blastocyst.percent)),
                ], style: .lines, unit: " %", maximum: 100),
            TimeChart(
                id: "chart-pregnancy", title: "Pregnancy rate by month of transfer", description: rates, months: months,
                series: [.init("Pregnancy", rows.map(\.pregnancy.percent))], style: .lines, unit: " %", maximum: 100),
        ].compactMap { $0 }
    }

    /// Cleavage, blastocyst and pregnancy rates per group.
    static func chart(_ rows: [ReproductionStats.Row]) -> BarChart? {
        BarChart(
            title: "Cleavage, blastocyst and pregnancy rates",
            series: [
                .init(class: "bar-a", "Cleavage"), .init(class: "bar-b", "Blastocysts (of oocytes)"),
                .init(class: "bar-c", "Pregnancy"),
            ],
            rows: rows.map { row in
                (
                    row.key,
                    [row.cleavage, row.blastocyst, row.pregnancy].map {
                        BarChart.Value(permille: Int(($0.percent ?? 0) * 10), text: $0.text)
                    }
                )
            })
    }

    /// `reproduction-stats.mustache`.
    struct StatsPage: Encodable {
        struct Row: Encodable {
            let key: String
            let rank: String
            let opu: Int
            let recovery: String
            let inseminated: Int
            let cleavage: String
            let blastocyst: String
            let transfers: Int
            let diagnosed: Int
            let pregnancy: String
        }
        /// A total over the range beside the previous period's.
        struct Figure: Encodable {
            let label: String
            let value: String
            let previous: String
            let change: String
        }
        /// Pregnancies of the transfers of one embryo grade, or fresh or frozen.
        struct Pregnancy: Encodable {
            let key: String
            let transfers: Int
            let pregnant: Int
            let diagnosed: Int
            let rate: String
        }
        let range: RangeForm
        let groupings: [Choice]
        let summary: [Figure]
        let league: Bool
        let minimum: Int
        let rows: [Row]
        let empty: Bool
        let chart: BarChart?
        let trends: [TimeChart]
        let grades: [Pregnancy]
        let preservation: [Pregnancy]
        /// By the recipient's corpus luteum score, and by her cycle day minus the embryo's day.
        let clScores: [Pregnancy]
        let synchrony: [Pregnancy]
    }

    /// An animal's reproduction history: its OPU sessions and semen collections, and every embryo
    /// it is a parent of, to the transfer and its outcome.
    private func animal(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let forward = try await database.read { try Trace.forward($0, animal: id) }
        return pages.page(
            "reproduction/animal-reproduction", title: "Offspring of \(forward.animal.name)", section: "reproduction",
            request: request, context: context,
            model: AnimalReproductionPage(
                animal: .init(id: id, name: forward.animal.name, sex: forward.animal.sex.rawValue),
                opuSessions: forward.opuSessions, semenCollections: forward.semenCollections,
                embryos: forward.embryos.map { line in
                    AnimalReproductionPage.Embryo(
                        code: line.code, role: line.role, mate: line.mate, iets: "\(line.stage)-\(line.grade)",
                        fate: line.fate.replacingOccurrences(of: "_", with: " "), transferId: line.transferId,
                        recipient: line.recipient ?? "", result: line.result ?? "",
                        outcome: (line.outcome ?? "").replacingOccurrences(of: "_", with: " "))
                },
                empty: forward.embryos.isEmpty))
    }

    /// `animal-reproduction.mustache`.
    struct AnimalReproductionPage: Encodable {
        struct Animal: Encodable {
            let id: Int64
            let name: String
            let sex: String
        }
        /// An embryo the animal is a parent of, and what came of it.
        struct Embryo: Encodable {
            let code: String
            let role: String
            let mate: String
            let iets: String
            let fate: String
            let transferId: Int64?
            let recipient: String
            let result: String
            let outcome: String
        }
        let animal: Animal
        let opuSessions: Int
        let semenCollections: Int
        let embryos: [Embryo]
        let empty: Bool
    }

    package init(database: AppDatabase, pages: PageRenderer) {
        self.database = database
        self.pages = pages
    }
}
