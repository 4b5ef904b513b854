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
    package struct ImportForm: Decodable, Sendable {
        package var animalId: String
        package var panel: String
        package var source: String?
        package var reason: String?
        package var csv: String

        package enum CodingKeys: String, CodingKey {
            case panel, source, reason, csv
            case animalId = "animal_id"
        }
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
                "parentage", title: "Parentage: \(report.offspring.name)", section: "genomics", request: request,
                context: context, values: values(report))
        }
    }

    private func overview(_ request: Request, _ context: AppRequestContext, form: ImportForm?, error: APIError?)
        async throws -> Response
    {
        let recent = try await store.recent(limit: 50).map { summary -> [String: Any] in
            [
                "animal_id": summary.animalId, "animal": summary.animalName, "panel": summary.panel,
                "typed": summary.markersTyped, "call_rate": summary.callRatePercent, "source": summary.source,
                "imported_at": summary.importedAt.formatted(date: .abbreviated, time: .shortened),
            ]
        }
        return pages.page(
            "genomics", title: "Genomics", section: "genomics", request: request, context: context,
            values: [
                "recent": recent, "empty": recent.isEmpty, "error": error?.message as Any,
                "can_write": context.principal?.can(.genomicsWrite) == true,
                "form": [
                    "animal_id": form?.animalId ?? "", "panel": form?.panel ?? "", "source": form?.source ?? "",
                    "reason": form?.reason ?? "", "csv": form?.csv ?? "",
                ],
                "thresholds": [
                    "conflicts": thresholds.maxConflictPercent, "call_rate": thresholds.minCallRatePercent,
                ],
            ], status: error?.httpStatus ?? .ok)
    }

    private func values(_ report: Parentage.Report) -> [String: Any] {
        func party(_ role: String, _ party: Parentage.Party?) -> [String: Any]? {
            party.map { ["role": role, "id": $0.animalId, "name": $0.name, "call_rate": $0.callRatePercent] }
        }
        func check(_ label: String, _ comparison: Parentage.Comparison?) -> [String: Any]? {
            comparison.map {
                [
                    "label": label, "compared": $0.compared, "conflicts": $0.conflicts.count,
                    "percent": $0.conflictPercent, "verdict": $0.verdict.rawValue,
                ]
            }
        }
        var conflicts: [String: [String: String]] = [:]
        for comparison in [report.sireCheck, report.damCheck, report.trioCheck].compactMap({ $0 }) {
            for conflict in comparison.conflicts {
                conflicts[conflict.marker] = [
                    "marker": conflict.marker, "offspring": conflict.offspring, "sire": conflict.sire ?? "—",
                    "dam": conflict.dam ?? "—",
                ]
            }
        }
        return [
            "report": [
                "panel": report.panel, "markers": report.panelMarkers, "verdict": report.verdict.rawValue,
                "max_conflicts": report.thresholds.maxConflictPercent,
                "min_call_rate": report.thresholds.minCallRatePercent,
            ],
            "parties": [
                party("Offspring", report.offspring), party("Putative sire", report.sire),
                party("Putative dam", report.dam),
            ].compactMap { $0 },
            "checks": [
                check("Offspring – sire", report.sireCheck), check("Offspring – dam", report.damCheck),
                check("Trio (one allele from each parent)", report.trioCheck),
            ].compactMap { $0 },
            "conflicts": conflicts.keys.sorted().compactMap { conflicts[$0] },
            "no_conflicts": conflicts.isEmpty,
        ]
    }

    package init(store: GenotypeStore, thresholds: ParentageThresholds, pages: PageRenderer) {
        self.store = store
        self.thresholds = thresholds
        self.pages = pages
    }
}
