import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Samples as CSV: the export (``CSVExport``), the import template, dry run and import, and the
/// import page.
package struct SampleCSVController {
    package let csv: SampleCSV
    package let jobs: JobQueue
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        csv.export(days: pages.time).addRoutes(
            to: routes, api: "/api/v1/samples", page: "/samples", jobs: jobs,
            operations: (.exportSamplesAsCSV, .exportSamplesInBackground))
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

    package init(csv: SampleCSV, jobs: JobQueue, pages: PageRenderer) {
        self.csv = csv
        self.jobs = jobs
        self.pages = pages
    }
}

extension SampleStore.Filter {
    /// The query parameters of every sample list (page, API, export, labels): `q`, `species`,
    /// `kind`, `status`, `animal_id`, `owner_id`, `container_id`, and `collected_from` /
    /// `collected_to`, the lab's calendar days (`days`), both included, and `cf.<key>` (a custom
    /// field's value).
    package init(_ query: ListQuery, species: [String], kinds: [String], days: LabTime) throws {
        self.species = try query.configured("species", in: species)
        kind = try query.configured("kind", in: kinds)
        status = try query.choice("status", in: Sample.Status.allCases.map(\.rawValue)).flatMap(Sample.Status.init)
        text = query["q"]
        animalId = try query.id("animal_id")
        ownerId = try query.id("owner_id")
        containerId = try query.id("container_id")
        func start(_ name: String, dayAfter: Bool) throws -> Date? {
            guard let text = query[name] else { return nil }
            guard let start = days.start(ofDay: text) else {
                throw APIError.invalid("\(name) must be a date such as 2026-11-25.", field: name)
            }
            // The day after's start: a DST change makes some days 23 or 25 hours long.
            return dayAfter ? Calendar.lab(days).date(byAdding: .day, value: 1, to: start) : start
        }
        let from = try start("collected_from", dayAfter: false)
        let before = try start("collected_to", dayAfter: true)
        if let from, let before, from >= before {
            throw APIError.validationFailed("collected_to cannot be before collected_from.", field: "collected_to")
        }
        collectedFrom = from?.databaseText
        collectedBefore = before?.databaseText
        customFields = try CustomFieldFilter(query)
    }

    /// The names of those parameters, for the links that keep a selection (next page, export).
    package static let parameters = [
        "q", "species", "kind", "status", "animal_id", "owner_id", "container_id", "collected_from", "collected_to",
    ]
}

extension Calendar {
    /// The Gregorian calendar on the lab's clock.
    fileprivate static func lab(_ days: LabTime) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = days.zone
        return calendar
    }
}
