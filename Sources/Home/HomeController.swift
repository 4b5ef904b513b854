import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// The landing page: what this LabBox is and whether it is healthy.
package struct HomeController {
    package let database: AppDatabase
    package let pages: PageRenderer
    package let fillDays: Int

    package func addRoutes(to routes: RouteTable) {
        routes.get("/", .signedIn) { request, context in try await home(request, context) }
    }

    private func home(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let migrations = try await database.read { try self.database.migrations.status($0) }
        let size = (try? FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int) ?? 0
        let dashboard = try await Dashboard.load(database, fillDays: fillDays)
        let top = max(dashboard.samplesByStatus.values.max() ?? 0, 1)
        let principal = context.principal
        return pages.page(
            "home", title: "LabBox", section: "home", request: request, context: context,
            values: [
                "show_lab": principal?.can(.samplesRead) ?? false,
                "samples_by_status": Sample.Status.allCases.map { status in
                    let count = dashboard.samplesByStatus[status.rawValue] ?? 0
                    return ["status": status.rawValue, "count": count, "top": top] as [String: Any]
                },
                "totals": [
                    ["label": "Samples", "value": dashboard.samplesByStatus.values.reduce(0, +), "href": "/samples"],
                    ["label": "Customers", "value": dashboard.customers, "href": "/customers"],
                    ["label": "Animals", "value": dashboard.animals, "href": "/animals"],
                ],
                "tanks_overdue": dashboard.tanksOverdue,
                "facts": [
                    ["label": "Version", "value": BuildInfo.version],
                    ["label": "Commit", "value": String(BuildInfo.commit.prefix(12))],
                    ["label": "Schema", "value": migrations.last?.id ?? "none"],
                    [
                        "label": "Database size",
                        "value": ByteCountFormatter.string(fromByteCount: Int64(size), countStyle: .file),
                    ],
                    ["label": "Up since", "value": AppMetrics.startedAt.formatted(.iso8601)],
                ],
            ])
    }

    package init(database: AppDatabase, pages: PageRenderer, fillDays: Int) {
        self.database = database
        self.pages = pages
        self.fillDays = fillDays
    }
}
