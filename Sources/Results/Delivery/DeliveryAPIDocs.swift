import LabBoxServer

// The JSON API documentation of the routes of results delivery: each operation is named where its route is declared.

extension APIOperation {
    package static let listResultsDeliveries = APIOperation(
        "List an order's deliveries to the customer",
        "Every time the order's report was emailed to the customer (attached, or as a link that needs no account), newest first, with every opening of each link (time, client address, user agent, and whether the report was shown). Tokens are never shown: only their hash is stored.",
        parameters: [
            .path("id", "The order's id.")
        ],
        responses: [
            200: .json(.object(["items": .array(.resultsDelivery)], required: ["items"]), "The deliveries."),
            404: "No such order.",
        ]
    )

    package static let revokeResultsLink = APIOperation(
        "Revoke a results link",
        "The link stops opening the report at once: whoever opens it gets 410 and no data. Audited on the order.",
        parameters: [
            .path("id", "The delivery's id.")
        ],
        responses: [
            200: .json(.resultsDelivery, "The revoked delivery."),
            404: "No such delivery.",
            409: "An attachment (nothing to revoke), or a link that expired or was revoked already.",
        ]
    )
}

extension APISchema {
    package static let resultsDelivery: APISchema = .object(
        [
            "id": .integer,
            "order_id": .integer,
            "recipient": .string,
            "method": .enumeration(["attach", "link"]),
            "state": .enumeration(["sent", "active", "expired", "revoked"]).described(
                "sent: an attachment; a link is active until it expires or is revoked."),
            "created_at": .dateTime,
            "expires_at": .dateTime.described("Links only."),
            "revoked_at": .dateTime.described("Revoked links only."),
            "revoked_by": .string.described("Who revoked the link."),
            "accesses": .array(
                .object(
                    [
                        "accessed_at": .dateTime,
                        "client_ip": .string,
                        "user_agent": .string,
                        "outcome": .enumeration(["shown", "expired", "revoked"]),
                    ], required: ["accessed_at", "client_ip", "user_agent", "outcome"])),
        ], required: ["id", "order_id", "recipient", "method", "state", "created_at", "accesses"]
    ).named("ResultsDelivery")
}
