// The JSON API documentation of the routes of SecurityEvents: each operation is named where its route is declared.

extension APIOperation {
    package static let securityEvents = APIOperation(
        "Security events",
        "Sign-ins, failures, lockouts, key and role changes, CSRF rejections; newest first, 50 per page. Needs security:read (admin, auditor).",
        parameters: [
            .query("kind", "Only this kind.", .enumeration(SecurityEvent.Kind.allCases.map(\.rawValue))),
            .query("email", "Only events of this account."),
            .query("before", "Continue with events older than this id (next_before of the previous page).", .recordID),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.securityEvent),
                        "next_before": .integer.nullable,
                    ]
                ), "A page of events."),
            400: "A bad filter.",
        ]
    )

    package static let blockedClientAddresses = APIOperation(
        "Blocked client addresses",
        "Addresses blocked for abuse (bursts of refused requests, probes), with reason and expiry. Needs security:read.",
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(
                            .object(
                                [
                                    "ip": .string,
                                    "reason": .string,
                                    "blocked_at": .dateTime,
                                    "expires_at": .dateTime,
                                ]
                            ))
                    ]
                ), "Active blocks.")
        ]
    )

    package static let liftBlock = APIOperation(
        "Lift a block",
        parameters: [
            .path("ip", "The blocked address.", .string)
        ],
        responses: [
            204: .empty("Lifted."),
            404: "The address is not blocked.",
        ]
    )
}

extension APISchema {
    package static let securityEvent: APISchema = .object(
        [
            "id": .integer,
            "occurred_at": .dateTime,
            "kind": .string,
            "user_id": .integer.nullable,
            "email": .string.nullable,
            "client_ip": .string,
            "request_id": .string,
            "detail": .string,
        ]
    ).named("SecurityEvent")
}
