import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/animals/{id}/genotypes` and `/api/v1/parentage`.
package struct GenomicsAPIController {
    package let store: GenotypeStore
    package let thresholds: ParentageThresholds

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/genotypes/template", .genomicsRead, .genotypeCSVTemplate) { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"genotype-template.csv\"",
                ], body: .init(byteBuffer: ByteBuffer(string: GenotypeStore.template)))
        }
        routes.get("/api/v1/animals/{id}/genotypes", .genomicsRead, .animalGenotypes) { _, context in
            ItemList(items: try await store.summaries(animalID: try context.id()))
        }
        // The CSV is the body; panel, source and reason travel in the query string.
        routes.post("/api/v1/animals/{id}/genotypes", .genomicsWrite, .importGenotype) { request, context in
            let query = ListQuery(request)
            let summary = try await store.importCSV(
                animalID: try context.id(), panel: query["panel"] ?? "",
                text: try await CSVTable.body(request, context), source: query["source"] ?? "",
                reason: query["reason"], context: context.eventContext)
            return EditedResponse(status: .created, response: summary)
        }
        routes.get("/api/v1/parentage", .genomicsRead, .parentageCheckByExclusion) { request, context in
            try await store.parentage(try Parentage.Question(ListQuery(request)), thresholds: thresholds)
        }
    }

    package init(store: GenotypeStore, thresholds: ParentageThresholds) {
        self.store = store
        self.thresholds = thresholds
    }
}

extension Parentage.Question {
    /// `offspring`, `sire`, `dam` (animal ids) and an optional `panel`.
    package init(_ query: ListQuery) throws {
        guard let offspring = try query.id("offspring") else {
            throw APIError.invalid("Give the offspring's animal id.", field: "offspring")
        }
        self.init(offspring: offspring, sire: try query.id("sire"), dam: try query.id("dam"), panel: query["panel"])
    }
}
