// The JSON API documentation of the routes of Notifications: each operation is named where its route is declared.

extension APIOperation {
    package static let myNotifications = APIOperation(
        "My notifications",
        "Newest first.",
        parameters: [
            .query("unread", "true for unread only."),
            .query("cursor", "next_cursor of the previous page (older items)."),
            .limit,
        ],
        responses: [
            200: .json(
                .page(of: .notification), "A page of notifications."),
            400: "A bad parameter.",
            403: "Not allowed.",
        ]
    )

    package static let myUnreadCount = APIOperation(
        "My unread count",
        "What the bell shows.",
        responses: [
            200: .json(
                .object(
                    [
                        "unread": .integer
                    ]
                ), "The count."),
            403: "Not allowed.",
        ]
    )

    package static let markNotificationRead = APIOperation(
        "Mark a notification read",
        parameters: [
            .path("id", "Notification id")
        ],
        responses: [
            204: .empty("Done."),
            403: "Not allowed.",
            404: "Not found.",
        ]
    )

    package static let markAllMyNotificationsRead = APIOperation(
        "Mark all my notifications read",
        responses: [
            204: .empty("Done."),
            403: "Not allowed.",
        ]
    )
}

extension APISchema {
    package static let notification: APISchema = .object(
        [
            "id": .integer,
            "user_id": .integer,
            "kind": .enumeration(["job", "reminder", "security", "task", "mention"]),
            "title": .string,
            "body": .string,
            "link": .string.nullable,
            "created_at": .dateTime,
            "read_at": .dateTime.nullable,
        ]
    ).named("Notification")
}
