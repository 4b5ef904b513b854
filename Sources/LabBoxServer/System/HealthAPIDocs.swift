// The JSON API documentation of the routes of Health: each operation is named where its route is declared.

extension APIOperation {
    package static let liveness = APIOperation(
        "Liveness",
        "Answers 200 while the process runs. No authentication.",
        responses: [
            200: .json(.status, "The process is alive.")
        ]
    )

    package static let readiness = APIOperation(
        "Readiness",
        "Reads from and writes to the database and checks that all migrations are applied. No authentication.",
        responses: [
            200: .json(.status, "Ready to serve."),
            503: .json(.status, "The database is unavailable or its schema is not current."),
        ]
    )

    package static let prometheusMetrics = APIOperation(
        "Prometheus metrics",
        "Request counts and latency histograms per route and status, database pool waits, process memory and uptime, in the Prometheus text format. Needs the bearer token from metrics.token; without one configured, only loopback clients may scrape.",
        responses: [
            200: .file("text/plain", "Prometheus exposition text."),
            401: "Missing or wrong metrics token.",
        ]
    )
}

extension APISchema {
    package static let status: APISchema = .object(
        [
            "status": .enumeration(["ok", "unavailable"]),
            "checks": .map(.string),
        ], required: ["status"]
    ).named("Status")
}
