import Foundation
import GRDB
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
        let rows = report.items.map { row -> [String: Any] in
            [
                "key": row.key, "opu": row.opuSessions, "recovery": row.recovery.text,
                "inseminated": row.inseminated, "cleavage": row.cleavage.text, "blastocyst": row.blastocyst.text,
                "transfers": row.transfers, "diagnosed": row.diagnosed, "pregnancy": row.pregnancy.text,
            ]
        }
        return pages.page(
            "reproduction-stats", title: "Reproduction statistics", section: "reproduction", request: request,
            context: context,
            values: [
                "groupings": ReproductionStats.Grouping.allCases.map {
                    ["value": $0.rawValue, "label": $0.rawValue.capitalized, "selected": $0 == grouping]
                },
                "rows": rows, "empty": rows.isEmpty,
                "chart": RateChart(rows: Array(report.items.prefix(12))).values as Any,
            ])
    }

    /// An animal's reproduction history: its OPU sessions and semen collections, and every embryo
    /// it is a parent of, to the transfer and its outcome.
    private func animal(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let forward = try await database.read { try Trace.forward($0, animal: id) }
        return pages.page(
            "animal-reproduction", title: "Offspring of \(forward.animal.name)", section: "reproduction",
            request: request, context: context,
            values: [
                "animal": ["id": id, "name": forward.animal.name, "sex": forward.animal.sex.rawValue],
                "opu_sessions": forward.opuSessions, "semen_collections": forward.semenCollections,
                "embryos": forward.embryos.map { line -> [String: Any] in
                    PageRenderer.present([
                        "code": line.code, "role": line.role, "mate": line.mate,
                        "iets": "\(line.stage)-\(line.grade)",
                        "fate": line.fate.replacingOccurrences(of: "_", with: " "),
                        "transfer_id": line.transferId.map { "\($0)" } ?? "", "recipient": line.recipient ?? "",
                        "result": line.result ?? "",
                        "outcome": (line.outcome ?? "").replacingOccurrences(of: "_", with: " "),
                    ])
                },
                "empty": forward.embryos.isEmpty,
            ])
    }

    package init(database: AppDatabase, pages: PageRenderer) {
        self.database = database
        self.pages = pages
    }
}
