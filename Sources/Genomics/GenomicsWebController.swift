import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The genomics pages: genotype import, recent imports, and the parentage report.
package struct GenomicsWebController {
    package let store: GenotypeStore
    package let thresholds: ParentageThresholds
    package let pages: PageRenderer

    /// The import form: the CSV comes as text (the page's script reads a chosen file into it).
    package struct ImportForm: Codable, Sendable {
        package var animalId = ""
        package var panel = ""
        package var source: String?
        package var reason: String?
        package var csv = ""

        package enum CodingKeys: String, CodingKey {
            case panel, source, reason, csv
            case animalId = "animal_id"
        }
    }

    /// `genomics.mustache`: the parentage question, the import form and the latest imports.
    struct GenomicsPage: Encodable {
        struct Import: Encodable {
            let animalId: Int64
            let animal: String
            let panel: String
            let typed: Int
            /// In percent with one decimal, "95.0" (an encoded Double would render "95").
            let callRate: String
            let source: String
            let importedAt: String
        }
        struct Thresholds: Encodable {
            let conflicts: Int
            let callRate: Int
        }
        let recent: [Import]
        let empty: Bool
        let error: String?
        let canWrite: Bool
        let form: ImportForm
        let thresholds: Thresholds
    }

    /// `parentage.mustache`.
    struct ParentagePage: Encodable {
        struct Report: Encodable {
            let panel: String
            let markers: Int
            let verdict: String
            let maxConflicts: Int
            let minCallRate: Int
        }
        struct Party: Encodable {
            let role: String
            let id: Int64
            let name: String
            /// In percent with one decimal, as `GenomicsPage.Import.callRate`.
            let callRate: String
        }
        struct Check: Encodable {
            let label: String
            let compared: Int
            let conflicts: Int
            let percent: String
            let verdict: String
        }
        struct Conflict: Encodable {
            let marker: String
            let offspring: String
            let sire: String
            let dam: String
        }
        let report: Report
        let parties: [Party]
        let checks: [Check]
        let conflicts: [Conflict]
        let noConflicts: Bool
    }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/genomics", .genomicsRead) { request, context in
            try await overview(request, context, form: nil, error: nil)
        }
        routes.post("/genomics/genotypes", .genomicsWrite) { request, context in
            let form = try await request.decode(as: ImportForm.self, context: context)
            do {
                guard let animalID = Int64(form.animalId.trimmingCharacters(in: .whitespaces)) else {
                    throw APIError.invalid("Give the animal's id.", field: "animal_id")
                }
                let summary = try await store.importCSV(
                    animalID: animalID, panel: form.panel, text: form.csv, source: form.source ?? "",
                    reason: form.reason, context: context.eventContext)
                return Flash(
                    kind: .success,
                    message: "Imported \(summary.markersTyped) markers for \(summary.animalName) on \(summary.panel) "
                        + "(call rate \(summary.callRatePercent) %)."
                ).redirect(to: "/genomics")
            } catch let error as APIError where error.status.code < 500 {
                return try await overview(request, context, form: form, error: error)
            }
        }
        routes.get("/genomics/parentage", .genomicsRead) { request, context in
            let query = ListQuery(request)
            let question = try Parentage.Question(query)
            let report = try await store.parentage(question, thresholds: thresholds)
            return pages.page(
                "genomics/parentage", title: "Parentage: \(report.offspring.name)", section: "genomics",
                request: request,
                context: context, model: parentagePage(report))
        }
    }

    private func overview(_ request: Request, _ context: AppRequestContext, form: ImportForm?, error: APIError?)
        async throws -> Response
    {
        let recent = try await store.recent(limit: 50).map { summary in
            GenomicsPage.Import(
                animalId: summary.animalId, animal: summary.animalName, panel: summary.panel,
                typed: summary.markersTyped, callRate: String(summary.callRatePercent), source: summary.source,
                importedAt: pages.time.text(summary.importedAt))
        }
        return pages.page(
            "genomics/genomics", title: "Genomics", section: "genomics", request: request, context: context,
            model: GenomicsPage(
                recent: recent, empty: recent.isEmpty, error: error?.message,
                canWrite: context.principal?.can(.genomicsWrite) == true, form: form ?? ImportForm(),
                thresholds: GenomicsPage.Thresholds(
                    conflicts: thresholds.maxConflictPercent, callRate: thresholds.minCallRatePercent)),
            status: error?.httpStatus ?? .ok)
    }

    private func parentagePage(_ report: Parentage.Report) -> ParentagePage {
        func party(_ role: String, _ party: Parentage.Party?) -> ParentagePage.Party? {
            party.map {
                ParentagePage.Party(role: role, id: $0.animalId, name: $0.name, callRate: String($0.callRatePercent))
            }
        }
        func check(_ label: String, _ comparison: Parentage.Comparison?) -> ParentagePage.Check? {
            comparison.map {
                ParentagePage.Check(
                    label: label, compared: $0.compared, conflicts: $0.conflicts.count,
                    percent: String($0.conflictPercent), verdict: $0.verdict.rawValue)
            }
        }
        var conflicts: [String: ParentagePage.Conflict] = [:]
        for comparison in [report.sireCheck, report.damCheck, report.trioCheck].compactMap({ $0 }) {
            for conflict in comparison.conflicts {
                conflicts[conflict.marker] = ParentagePage.Conflict(
                    marker: conflict.marker, offspring: conflict.offspring, sire: conflict.sire ?? "—",
                    dam: conflict.dam ?? "—")
            }
        }
        return ParentagePage(
            report: ParentagePage.Report(
                panel: report.panel, markers: report.panelMarkers, verdict: report.verdict.rawValue,
                maxConflicts: report.thresholds.maxConflictPercent, minCallRate: report.thresholds.minCallRatePercent),
            parties: [
                party("Offspring", report.offspring), party("Putative sire", report.sire),
                party("Putative dam", report.dam),
            ].compactMap { $0 },
            checks: [
                check("Offspring – sire", report.sireCheck), check("Offspring – dam", report.damCheck),
                check("Trio (one allele from each parent)", report.trioCheck),
            ].compactMap { $0 },
            conflicts: conflicts.keys.sorted().compactMap { conflicts[$0] }, noConflicts: conflicts.isEmpty)
    }

    package init(store: GenotypeStore, thresholds: ParentageThresholds, pages: PageRenderer) {
        self.store = store
        self.thresholds = thresholds
        self.pages = pages
    }
}
