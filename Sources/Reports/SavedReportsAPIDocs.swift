import LabBoxServer

// The JSON API documentation of SavedReportsAPIController's routes.

extension APIOperation {
    private static let notYours: APIResponse =
        "Not the owner (changes), or the report needs a permission the caller lacks."

    package static let listSavedReports = APIOperation(
        "Saved reports",
        "The caller's own saved report definitions and the shared ones, of reports the caller may read, by name.",
        responses: [200: .json(.object(["items": .array(.savedReport)]), "The definitions.")])

    package static let saveReport = APIOperation(
        "Save a report definition",
        "name and report (reproduction, results or inventory) are required; range_preset defaults to last-12-months; grouping is the report's by (empty for its default); shared makes it visible to everyone who may read the report; schedule (weekly or monthly) emails it, as CSV and HTML, to recipients through the outbox: a weekly one seven days after it was last sent, a monthly one once in each month, each on the daily reports_send schedule's run.",
        body: .json(.savedReportInput),
        responses: [
            201: .json(.savedReport, "The definition."), 400: "A malformed body.", 403: notYours,
            422: "A rule broken (field names it).",
        ])

    package static let savedReport = APIOperation(
        "A saved report", "One definition the caller may see.", parameters: [.id],
        responses: [200: .json(.savedReport, "The definition."), 404: "None the caller may see."])

    package static let changeSavedReport = APIOperation(
        "Change a saved report", "The owner (or an administrator) changes the fields given.", parameters: [.id],
        body: .json(.savedReportInput),
        responses: [
            200: .json(.savedReport, "The definition."), 400: "A malformed body.", 403: notYours,
            404: "None the caller may see.", 422: "A rule broken (field names it).",
        ])

    package static let deleteSavedReport = APIOperation(
        "Delete a saved report", "The owner (or an administrator) deletes it; audited.", parameters: [.id],
        responses: [204: .empty("Deleted."), 403: notYours, 404: "None the caller may see."])

    package static let exportSavedReport = APIOperation(
        "A saved report as CSV",
        "The report read over its preset as of today: the totals beside the previous period, a blank line, then its table.",
        parameters: [.id],
        responses: [200: .file("text/csv", "The report."), 404: "None the caller may see."])
}

extension APISchema {
    static let savedReport: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "report": .enumeration(["reproduction", "results", "inventory"]),
            "range_preset": .enumeration(["this-month", "last-3-months", "last-12-months", "this-year"]),
            "grouping": .string,
            "owner_id": .integer,
            "shared": .boolean,
            "schedule": .enumeration(["", "weekly", "monthly"]),
            "recipients": .string.described("Comma separated."),
            "last_sent_on": .date.nullable,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("SavedReport")

    static let savedReportInput: APISchema = .object(
        [
            "name": .string(maxLength: 200),
            "report": .enumeration(["reproduction", "results", "inventory"]),
            "range_preset": .enumeration(["this-month", "last-3-months", "last-12-months", "this-year"]),
            "grouping": .string(maxLength: 40),
            "shared": .boolean,
            "schedule": .enumeration(["", "weekly", "monthly"]),
            "recipients": .array(.string(maxLength: 254).format("email"), maxItems: 20),
        ]
    ).named("SavedReportInput")
}
