import LabBoxServer

// The JSON API documentation of the routes of Schedules: each operation is named where its route is declared.

extension APIOperation {
    package static let listSchedules = APIOperation(
        "List schedules",
        "Each with its expression, next and last run.",
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.schedule)
                    ]
                ), "The schedules."),
            403: "Not allowed.",
        ]
    )

    package static let changeSchedule = APIOperation(
        "Change a schedule",
        "Set cron (five fields, local time) and/or enabled. Audited.",
        parameters: [
            .path("name", "Schedule name", .string)
        ],
        body: .json(
            .object(
                [
                    "cron": .string(maxLength: 100).examples(["30 2 * * *"]),
                    "enabled": .boolean,
                ]
            )),
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.schedule)
                    ]
                ), "The schedules."),
            400: "A bad parameter.",
            403: "Not allowed.",
            404: "Not found.",
        ]
    )

    package static let runScheduleNow = APIOperation(
        "Run a schedule now",
        "Queues its job without moving the next run.",
        parameters: [
            .path("name", "Schedule name", .string)
        ],
        responses: [
            202: .json(.job, "The queued job."),
            403: "Not allowed.",
            404: "Not found.",
        ]
    )
}

extension APISchema {
    package static let schedule: APISchema = .object(
        [
            "name": .string,
            "title": .string,
            "job_type": .string,
            "cron": .string,
            "enabled": .boolean,
            "next_run_at": .dateTime.nullable,
            "last_run_at": .dateTime.nullable,
            "last_job_id": .integer.nullable,
            "last_result": .enumeration(
                ["queued", "running", "succeeded", "failed", "cancelled", "interrupted"], orNull: true),
        ]
    ).named("Schedule")
}
