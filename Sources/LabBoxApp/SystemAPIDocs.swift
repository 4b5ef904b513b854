import LabBoxServer

// The JSON API documentation of the routes of System: each operation is named where its route is declared.

extension APIOperation {
    package static let detailedHealth = APIOperation(
        "Detailed health",
        "Database and WAL size, cache figures, jobs and outbox by state, last backup and warnings.",
        responses: [
            200: .json(.anyObject, "The report."),
            403: "Not allowed.",
        ]
    )
}
