import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/reports`: the saved reports a person may see, each opening its report's page for its period,
/// a form to save one (with its schedule), and deleting one's own.
package struct SavedReportsWebController {
    package let store: SavedReportStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reports", .signedIn) { request, context in
            let principal = try principal(context)
            let saved = try await store.list(for: principal)
            return pages.page(
                "reports/saved-reports", title: "Saved reports", section: "reports", request: request,
                context: context,
                model: SavedPage(
                    items: saved.map { item in
                        SavedPage.Item(
                            id: item.id ?? 0, name: item.name, report: item.report.title, link: item.link,
                            period: item.preset.label, grouping: item.grouping, shared: item.shared,
                            schedule: item.schedule == .none
                                ? "" : "\(item.schedule.rawValue) to \(item.recipients)",
                            lastSent: item.lastSentOn ?? "", mine: item.ownerId == principal.userID)
                    },
                    empty: saved.isEmpty,
                    reports: SavedReport.Kind.allCases.filter { principal.can($0.permission) }.map {
                        Choice(value: $0.rawValue, label: $0.title)
                    },
                    presets: ReportRange.Preset.allCases.map {
                        Choice(value: $0.rawValue, label: $0.label, selected: $0 == .last12Months)
                    }))
        }
        routes.post("/reports", .signedIn) { request, context in
            let form = try await request.decode(as: SaveForm.self, context: context)
            return try await Flash.after(redirectTo: "/reports") {
                let saved = try await store.create(
                    SavedReportStore.Input(
                        name: form.name ?? "", report: form.report ?? "", rangePreset: form.rangePreset,
                        grouping: FormText.text(form.grouping) ?? "", shared: form.shared == "on",
                        schedule: form.schedule ?? "",
                        recipients: (form.recipients ?? "").split(separator: ",").map(String.init)),
                    for: try principal(context), context: context.eventContext)
                return "Saved \(saved.name)."
            }
        }
        routes.post("/reports/{id}/delete", .signedIn) { _, context in
            let id = try context.id()
            return try await Flash.after(redirectTo: "/reports") {
                try await store.delete(id, for: try principal(context), context: context.eventContext)
                return "The saved report was deleted."
            }
        }
    }

    private func principal(_ context: AppRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw APIError.unauthorized("Sign in first.") }
        return principal
    }

    private struct SaveForm: Decodable {
        let name: String?
        let report: String?
        let rangePreset: String?
        let grouping: String?
        let shared: String?
        let schedule: String?
        let recipients: String?

        enum CodingKeys: String, CodingKey {
            case name, report, grouping, shared, schedule, recipients
            case rangePreset = "range_preset"
        }
    }

    /// `reports/saved-reports.mustache`.
    struct SavedPage: Encodable {
        struct Item: Encodable {
            let id: Int64
            let name: String
            let report: String
            let link: String
            let period: String
            let grouping: String
            let shared: Bool
            let schedule: String
            let lastSent: String
            let mine: Bool
        }
        let items: [Item]
        let empty: Bool
        let reports: [Choice]
        let presets: [Choice]
    }

    package init(store: SavedReportStore, pages: PageRenderer) {
        (self.store, self.pages) = (store, pages)
    }
}
