import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The reproduction figures: rates by donor, sire, technician or protocol, and one animal's history
/// as donor or sire.
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
        let grouping = try ReproductionStats.Grouping(ListQuery(request))
        let report = try await database.read { try ReproductionStats.report($0, by: grouping) }
        let rows = report.items.map { row in
            StatsPage.Row(
                key: row.key, opu: row.opuSessions, recovery: row.recovery.text, inseminated: row.inseminated,
                cleavage: row.cleavage.text, blastocyst: row.blastocyst.text, transfers: row.transfers,
                diagnosed: row.diagnosed, pregnancy: row.pregnancy.text)
        }
        return pages.page(
            "reproduction/reproduction-stats", title: "Reproduction statistics", section: "reproduction",
            request: request,
            context: context,
            model: StatsPage(
                groupings: ReproductionStats.Grouping.allCases.map {
                    Choice(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == grouping)
                },
                rows: rows, empty: rows.isEmpty, chart: Self.chart(Array(report.items.prefix(12)))))
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
            let opu: Int
            let recovery: String
            let inseminated: Int
            let cleavage: String
            let blastocyst: String
            let transfers: Int
            let diagnosed: Int
            let pregnancy: String
        }
        let groupings: [Choice]
        let rows: [Row]
        let empty: Bool
        let chart: BarChart?
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
