import LabBoxServer

// The JSON API documentation of the routes of Jobs: each operation is named where its route is declared.

extension APIOperation {
    package static let listJobs = APIOperation(
        "List jobs",
        "Newest first. Admins see every job; others the jobs they started.",
        parameters: [
            .query(
                "state", "Only jobs in this state.",
                .enumeration(["queued", "running", "succeeded", "failed", "cancelled", "interrupted"])),
            .query("cursor", "next_cursor of the previous page (older items)."),
            .limit,
        ],
        responses: [
            200: .json(
                .page(of: .job), "A page of jobs."),
            400: "A bad parameter.",
        ]
    )

    package static let oneJob = APIOperation(
        "One job",
        "With its log; progress is live while it runs.",
        parameters: [
            .path("id", "Job id")
        ],
        responses: [
            200: .json(.job, "The job."),
            404: "Not found.",
        ]
    )

    package static let cancelJob = APIOperation(
        "Cancel a job",
        "A queued job is cancelled at once; a running one stops at its next checkpoint and its partial work is rolled back.",
        parameters: [
            .path("id", "Job id")
        ],
        responses: [
            200: .json(.job, "The job."),
            404: "Not found.",
            409: "Conflict.",
        ]
    )

    package static let downloadJobResult = APIOperation(
        "Download a job's result",
        "The file a succeeded job produced (CSV export, backup archive).",
        parameters: [
            .path("id", "Job id")
        ],
        responses: [
            200: APIResponse(
                "The file: CSV for exports, a gzip archive for backups.",
                content: [("text/csv", .string), ("application/gzip", .binary)]),
            404: "Not found.",
        ]
    )
}
