// The JSON API documentation of the routes of Job: each operation is named where its route is declared.

extension APISchema {
    package static let job: APISchema = .object(
        [
            "id": .integer,
            "type": .string.examples(["backup", "samples.export"]),
            "title": .string,
            "state": .enumeration(["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]),
            "progress": .integer(minimum: 0, maximum: 100),
            "message": .string,
            "result": .map(.string).nullable,
            "result_url": .string.nullable.described("Download of the file the job produced."),
            "error": .string.nullable,
            "attempts": .integer,
            "max_attempts": .integer,
            "cancel_requested": .boolean,
            "started_by": .string,
            "schedule": .string.nullable,
            "created_at": .dateTime,
            "started_at": .dateTime.nullable,
            "finished_at": .dateTime.nullable,
            "log": .array(.string).described("Only on GET /api/v1/jobs/{id}."),
        ]
    ).named("Job")
}
