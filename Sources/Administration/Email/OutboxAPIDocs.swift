import LabBoxServer

// The JSON API documentation of the routes of Outbox: each operation is named where its route is declared.

extension APIOperation {
    package static let emailOutbox = APIOperation(
        "Email outbox",
        "Newest first.",
        parameters: [
            .query("state", "Only this state.", .enumeration(["queued", "sent", "dead"])),
            .query("cursor", "next_cursor of the previous page (older items)."),
            .limit,
        ],
        responses: [
            200: .json(
                .page(of: .outboxMessage), "A page of messages."),
            400: "A bad parameter.",
            403: "Not allowed.",
        ]
    )

    package static let retryMessageThatGaveUp = APIOperation(
        "Retry a message that gave up",
        parameters: [
            .path("id", "Message id")
        ],
        responses: [
            204: .empty("Queued again."),
            403: "Not allowed.",
            404: "Not found.",
        ]
    )
}

extension APISchema {
    package static let outboxMessage: APISchema = .object(
        [
            "id": .integer,
            "recipient": .string,
            "subject": .string,
            "state": .enumeration(["queued", "sent", "dead"]),
            "attempts": .integer,
            "last_error": .string.nullable,
            "created_at": .dateTime,
            "sent_at": .dateTime.nullable,
        ]
    ).named("OutboxMessage")
}
