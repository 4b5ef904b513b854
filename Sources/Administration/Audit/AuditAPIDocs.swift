import LabBoxServer

// The JSON API documentation of the routes of Audit: each operation is named where its route is declared.

extension APIOperation {
    package static let searchAuditTrail = APIOperation(
        "Search the audit trail",
        "For admins and auditors. Newest first, keyset pages.",
        parameters: [
            .query("user_id", "Events by this user.", .integer),
            .query("api_key_id", "Events by this API key.", .integer),
            .query("entity_type", "Record type, e.g. sample."),
            .query("entity_id", "Record id."),
            .query("action", "Action; a trailing * matches a prefix (sample.*)."),
            .query("from", "From this date or RFC 3339 time (inclusive).", .dateOrTime),
            .query("to", "Until this date or time (exclusive).", .dateOrTime),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.auditPage, "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let verifyAuditChain = APIOperation(
        "Verify the audit chain",
        """
        Queues an audit.verify job that walks the whole chain, as `labbox audit verify` does (a million \
        events take seconds); follow it at /api/v1/jobs/{id}. It succeeds with the result (intact, events, \
        head_hash, archived_through) or fails naming where the chain is broken. While the caller's \
        verification is queued or running, that job is answered instead of a new one.
        """,
        responses: [
            202: .json(.job, "The verification job.")
        ]
    )

    package static let exportAuditEvents = APIOperation(
        "Export audit events",
        "The filtered range oldest first, with every hashed field, streamed. CSV: an empty optional field is null.",
        parameters: [
            .query("user_id", "Events by this user.", .integer),
            .query("api_key_id", "Events by this API key.", .integer),
            .query("entity_type", "Record type, e.g. sample."),
            .query("entity_id", "Record id."),
            .query("action", "Action; a trailing * matches a prefix (sample.*)."),
            .query("from", "From this date or RFC 3339 time (inclusive).", .dateOrTime),
            .query("to", "Until this date or time (exclusive).", .dateOrTime),
            .query("format", "csv (default) or json.", .enumeration(["csv", "json"])),
        ],
        responses: [
            200: APIResponse(
                "The export.",
                content: [
                    ("text/csv", .string),
                    (
                        "application/json",
                        .object(
                            [
                                "format": .string,
                                "events": .array(.auditEvent),
                            ]
                        )
                    ),
                ]),
            400: "A bad parameter.",
        ]
    )
}

extension APISchema {
    package static let auditEvent: APISchema = .object(
        [
            "at": .string.nullable,
            "actor_type": .string.nullable,
            "actor_name": .string.nullable,
            "request_id": .string.nullable,
            "client_ip": .string.nullable,
            "action": .string.nullable,
            "entity_type": .string.nullable,
            "entity_id": .string.nullable,
            "before": .string.nullable,
            "after": .string.nullable,
            "reason": .string.nullable,
            "prev_hash": .string.nullable,
            "hash": .string.nullable,
            "seq": .integer,
            "actor_id": .integer.nullable,
        ]
    ).described(
        "One link of the hash chain. hash = SHA-256(prev_hash ‖ canonical encoding), see docs/decisions/0007-audit-hash-chain.md."
    ).named("AuditEvent")

    package static let auditPage: APISchema = .page(of: .auditEvent).named("AuditPage")
}

extension APISchema {
    /// A day (midnight UTC) or an instant.
    static let dateOrTime = APISchema.oneOf([.date, .dateTime])
}
