import Foundation
import Hummingbird

/// Samples as CSV: `/api/v1/samples/export`, the import template, dry run and import, and the
/// import page.
struct SampleCSVController {
    let csv: SampleCSV
    let pages: PageRenderer

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("/api/v1/samples/export") { request, _ in
            csv.export(try SampleStore.Filter(ListQuery(request), species: csv.store.species, kinds: csv.store.kinds))
        }
        csv.importer.addRoutes(
            to: router, path: "/api/v1/samples", template: SampleCSV.template, database: csv.store.database)
        router.get("/samples/import") { request, context in
            pages.page(
                "import", title: "Import samples", section: "samples", request: request, context: context,
                values: ["noun": "samples", "api": "/api/v1/samples"])
        }
    }
}

extension SampleStore.Filter {
    /// `q`, `species`, `kind` and `status`, as every sample list takes them.
    init(_ query: ListQuery, species: [String], kinds: [String]) throws {
        self.species = try query.choice("species", in: species)
        kind = try query.choice("kind", in: kinds)
        status = try query.choice("status", in: Sample.Status.allCases.map(\.rawValue)).flatMap(Sample.Status.init)
        text = query["q"]
    }
}
