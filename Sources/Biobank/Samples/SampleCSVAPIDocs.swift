import LabBoxServer

// The JSON API documentation of the routes of SampleCSV: each operation is named where its route is declared.

extension APIOperation {
    package static let exportSamplesAsCSV = csvExport("samples", filters: APIParameter.sampleFilters)

    package static let csvImportTemplate = APIOperation(
        "CSV import template",
        responses: [
            200: .file("text/csv", "The header and an example row.")
        ]
    )

    package static let checkCSVImportDryRun = APIOperation(
        "Check a CSV import (dry run)",
        "Validates every row (types, lists, references, duplicates within the file and against the database); writes nothing.",
        body: .csv(
            "Columns: external_id, species, kind, collected_at (required), status, animal_id, collected_by, quantity, unit, doses, notes. Comma, semicolon or tab; BOM allowed; quoted fields may hold line breaks; dates as RFC 3339, YYYY-MM-DD [HH:MM] or DD.MM.YYYY [HH:MM] (UTC); decimal commas accepted."
        ),
        responses: [
            200: .json(.importReport, "What an import would find."),
            413: "Larger than server.max_body_bytes.",
            415: "Not text/csv.",
            422: "Not CSV, or unknown/missing columns.",
        ]
    )

    package static let importSamplesFromCSV = APIOperation(
        "Import samples from CSV",
        "All rows in one transaction, each audited, or none when any row has a problem (422 naming the first ones).",
        body: .csv(
            "Columns: external_id, species, kind, collected_at (required), status, animal_id, collected_by, quantity, unit, doses, notes. Comma, semicolon or tab; BOM allowed; quoted fields may hold line breaks; dates as RFC 3339, YYYY-MM-DD [HH:MM] or DD.MM.YYYY [HH:MM] (UTC); decimal commas accepted."
        ),
        responses: [
            201: .json(.importReport, "Imported."),
            413: "Larger than server.max_body_bytes.",
            415: "Not text/csv.",
            422: "Rows have problems; nothing was imported.",
        ]
    )

    package static let exportSamplesInBackground = csvExportJob("samples", filters: APIParameter.sampleFilters)

    package static let importSamplesFromCSVInBackground = APIOperation(
        "Import samples from CSV in the background",
        "The same all-or-nothing import as POST /api/v1/samples/import, run as a `samples.import` job with progress; follow it at /api/v1/jobs/{id}. A file with problems fails the job (its log lists them) and imports nothing.",
        body: .csv(),
        responses: [
            202: .json(.job, "The queued job."),
            403: "Not allowed.",
            415: "Not text/csv.",
            422: "Not readable as CSV or columns wrong.",
        ]
    )
}
