import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// Samples as CSV: `/api/v1/samples/export`, the import template, dry run and import, and the
/// import page.
package struct SampleCSVController {
    package let csv: SampleCSV
    package let jobs: JobQueue
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/samples/export", .samplesRead, .exportSamplesAsCSV) { request, _ in
            csv.export(try filter(request))
        }
        // Large selections: the same CSV, written by a job the caller follows and downloads.
        routes.post("/api/v1/samples/export-jobs", .samplesRead, .exportSamplesInBackground) { request, context in
            let job = try await startExport(request, context)
            return EditedResponse(status: .accepted, response: JobResource(job, title: jobs.title(of: job.type)))
        }
        routes.post("/samples/export-job", .samplesRead) { request, context in
            let job = try await startExport(request, context)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id ?? 0)"])
        }
        csv.importer.addRoutes(
            to: routes, path: "/api/v1/samples", permission: .samplesWrite,
            operations: .init(
                template: .csvImportTemplate, check: .checkCSVImportDryRun, import: .importSamplesFromCSV,
                job: .importSamplesFromCSVInBackground),
            template: SampleCSV.template, database: csv.store.database, jobs: jobs)
        routes.get("/samples/import", .samplesWrite) { request, context in
            pages.page(
                "import", title: "Import samples", section: "samples", request: request, context: context,
                model: ImportPage(noun: "samples", api: "/api/v1/samples"))
        }
    }

    private func filter(_ request: Request) throws -> SampleStore.Filter {
        try SampleStore.Filter(ListQuery(request), species: csv.store.species, kinds: csv.store.kinds)
    }

    private func startExport(_ request: Request, _ context: AppRequestContext) async throws -> Job {
        try await jobs.enqueue(
            "samples.export", parameters: try filter(request), by: context.principal?.userID,
            context: context.eventContext)
    }

    package init(csv: SampleCSV, jobs: JobQueue, pages: PageRenderer) {
        self.csv = csv
        self.jobs = jobs
        self.pages = pages
    }
}

extension SampleStore.Filter {
    /// `q`, `species`, `kind` and `status`, as every sample list takes them.
    package init(_ query: ListQuery, species: [String], kinds: [String]) throws {
        self.species = try query.configured("species", in: species)
        kind = try query.configured("kind", in: kinds)
        status = try query.choice("status", in: Sample.Status.allCases.map(\.rawValue)).flatMap(Sample.Status.init)
        text = query["q"]
    }
}
