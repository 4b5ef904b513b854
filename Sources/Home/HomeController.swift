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
            "home/home", title: "LabBox", section: "home", request: request, context: context,
            model: HomePage(
                showLab: principal?.can(.samplesRead) ?? false,
                samplesByStatus: Sample.Status.allCases.map { status in
                    HomePage.StatusCount(
                        status: status.rawValue, count: dashboard.samplesByStatus[status.rawValue] ?? 0, top: top)
                },
                totals: [
                    HomePage.Total(
                        label: "Samples", value: dashboard.samplesByStatus.values.reduce(0, +), href: "/samples"),
                    HomePage.Total(label: "Customers", value: dashboard.customers, href: "/customers"),
                    HomePage.Total(label: "Animals", value: dashboard.animals, href: "/animals"),
                ],
                tanksOverdue: Self.overdue(dashboard.tanksOverdue),
                facts: [
                    HomePage.Fact(label: "Version", value: BuildInfo.version),
                    HomePage.Fact(label: "Commit", value: String(BuildInfo.commit.prefix(12))),
                    HomePage.Fact(label: "Schema", value: migrations.last?.id ?? "none"),
                    HomePage.Fact(
                        label: "Database size",
                        value: ByteCountFormatter.string(fromByteCount: Int64(size), countStyle: .file)),
                    HomePage.Fact(label: "Up since", value: AppMetrics.startedAt.formatted(.iso8601)),
                ]))
    }

    /// The alert for `count` tanks overdue for a fill; nil, so no alert, when there are none.
    private static func overdue(_ count: Int) -> String? {
        switch count {
        case 0: nil
        case 1: "1 LN2 tank is overdue for a fill."
        default: "\(count) LN2 tanks are overdue for a fill."
        }
    }

    /// `home.mustache`.
    struct HomePage: Encodable {
        struct StatusCount: Encodable {
            let status: String
            let count: Int
            let top: Int
        }
        struct Total: Encodable {
            let label: String
            let value: Int
            let href: String
        }
        struct Fact: Encodable {
            let label: String
            let value: String
        }
        let showLab: Bool
        let samplesByStatus: [StatusCount]
        let totals: [Total]
        /// Nil when no tank is overdue: an alert only when something is wrong.
        let tanksOverdue: String?
        let facts: [Fact]
    }

    package init(database: AppDatabase, pages: PageRenderer, fillDays: Int) {
        self.database = database
        self.pages = pages
        self.fillDays = fillDays
    }
}
