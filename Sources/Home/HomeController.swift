import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The landing page: the signed-in person's work queue, the lab's figures and whether this
/// LabBox is healthy. A list appears only to whom may act on it.
package struct HomeController {
    package let database: AppDatabase
    package let pages: PageRenderer
    package let queue: WorkQueue

    package func addRoutes(to routes: RouteTable) {
        routes.get("/", .signedIn) { request, context in try await home(request, context) }
    }

    private func home(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let migrations = try await database.read { try self.database.migrations.status($0) }
        let size = (try? FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int) ?? 0
        let principal = context.principal
        let can = { (permission: Permission) in principal?.can(permission) ?? false }
        let showLab = can(.samplesRead)
        let dashboard = showLab ? try await Dashboard.load(database) : nil
        let top = max(dashboard?.samplesByStatus.values.max() ?? 0, 1)
        return pages.page(
            "home/home", title: "Home", section: "home", request: request, context: context,
            model: HomePage(
                queues: try await queues(principal: principal, can: can),
                showLab: showLab,
                samplesByStatus: Sample.Status.allCases.map { status in
                    HomePage.StatusCount(
                        status: status.rawValue, count: dashboard?.samplesByStatus[status.rawValue] ?? 0, top: top)
                },
                totals: [
                    HomePage.Total(
                        label: "Samples", value: dashboard?.samplesByStatus.values.reduce(0, +) ?? 0, href: "/samples"),
                    HomePage.Total(label: "Customers", value: dashboard?.customers ?? 0, href: "/customers"),
                    HomePage.Total(label: "Animals", value: dashboard?.animals ?? 0, href: "/animals"),
                ],
                facts: [
                    HomePage.Fact(label: "Version", value: BuildInfo.version),
                    HomePage.Fact(label: "Commit", value: String(BuildInfo.commit.prefix(12))),
                    HomePage.Fact(label: "Schema", value: migrations.last?.id ?? "none"),
                    HomePage.Fact(
                        label: "Database size",
                        value: ByteCountFormatter.string(fromByteCount: Int64(size), countStyle: .file)),
                    HomePage.Fact(label: "Up since", value: pages.time.text(AppMetrics.startedAt)),
                ]))
    }

    /// The lists of the work queue the principal may see, in the order a working day meets them.
    private func queues(principal: Principal?, can: (Permission) -> Bool) async throws -> [HomePage.Queue] {
        let today = Day.today
        var queues: [HomePage.Queue] = []
        if can(.tasksRead), let user = principal?.userID {
            queues.append(
                .init(
                    id: "tasks", title: "Your tasks", all: "/tasks",
                    empty: "Nothing is assigned to you. Tasks colleagues give you appear here, the soonest due first.",
                    list: try await queue.tasks(for: user, today: queue.time.isoDay(Date()))))
        }
        if can(.reproductionRead) {
            queues.append(
                .init(
                    id: "pregnancy", title: "Pregnancy checks due", all: "/reproduction?tab=transfers",
                    empty: "No pregnancy check is due. Record a transfer and its first check falls due here.",
                    list: try await queue.pregnancyChecks(today: today)))
            queues.append(
                .init(
                    id: "culture", title: "Embryos in culture", all: "/reproduction?tab=batches",
                    empty: "No IVF batch is in culture. Start one from Reproduction → New IVF batch.",
                    list: try await queue.culture(today: today)))
            queues.append(
                .init(
                    id: "superovulation", title: "Superovulation steps due", all: "/superovulation",
                    empty:
                        "No superovulation step is due. Start one for a donor and its doses appear here on their days.",
                    list: try await queue.superovulationSteps(today: today)))
        }
        if can(.resultsWrite), let user = principal?.userID {
            queues.append(
                .init(
                    id: "verify", title: "Results awaiting your verification", all: "/results?tab=verify",
                    empty: "Nothing to verify. Results someone else enters appear here for your signature.",
                    list: try await queue.verifications(for: user)))
        }
        if can(.storageRead) {
            queues.append(
                .init(
                    id: "tanks", title: "LN2 tanks due for a fill", all: "/storage",
                    empty: "Every tank was filled within its interval. Record fills on the tank's storage page.",
                    list: try await queue.tanks(time: pages.time), warn: true))
        }
        if can(.billingRead) {
            queues.append(
                .init(
                    id: "unbilled", title: "Unbilled work", all: "/billing",
                    empty: "All performed work is invoiced. New charges appear here until they are on an invoice.",
                    list: try await queue.unbilled()))
        }
        let everyone = can(.auditRead)
        queues.append(
            .init(
                id: "changes", title: everyone ? "Recent changes" : "Your recent changes",
                all: everyone ? "/admin/audit" : nil,
                empty: "No changes recorded yet. What you create or edit is listed here.",
                list: try await queue.recentChanges(user: principal?.userID, everyone: everyone, time: pages.time)))
        return queues
    }

    /// `home.mustache`.
    struct HomePage: Encodable {
        struct Queue: Encodable {
            let id: String
            let title: String
            /// The page with the whole list; nil when there is none for this person.
            let all: String?
            /// What to do when the list is empty.
            let empty: String
            let items: [WorkQueue.Item]
            let hasItems: Bool
            /// "3 more" when the list shows fewer than there are.
            let more: String?
            /// Entries here mean something is wrong (a tank may thaw), so the list is an alert.
            let alert: Bool

            init(id: String, title: String, all: String?, empty: String, list: WorkQueue.Items, warn: Bool = false) {
                (self.id, self.title, self.all, self.empty) = (id, title, all, empty)
                items = list.items
                hasItems = !list.items.isEmpty
                more = list.total > list.items.count ? "\(list.total - list.items.count) more" : nil
                alert = warn && !list.items.isEmpty
            }
        }
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
        let queues: [Queue]
        let showLab: Bool
        let samplesByStatus: [StatusCount]
        let totals: [Total]
        let facts: [Fact]
    }

    package init(database: AppDatabase, pages: PageRenderer, queue: WorkQueue) {
        self.database = database
        self.pages = pages
        self.queue = queue
    }
}
