// The JSON API documentation of the routes of APIOperation: each operation is named where its route is declared.

extension APIOperation {
    package static let listSamples = APIOperation(
        "List samples",
        "Filters combine with AND; keyset pages in ascending id.",
        parameters: [
            .query("q", "Words of the external id or notes (full text, prefix match)."),
            .query("species", "Filter by species."),
            .query("kind", "Filter by kind."),
            .query("status", "Filter by status."),
            .query(
                "sort",
                "Order: a column, with - for descending; by id (ascending) when absent. Cursors keep the order, with the id breaking ties.",
                .enumeration(["id", "-id", "collected_at", "-collected_at", "external_id", "-external_id"])),
            .query("limit", "Page size, 1–200 (default 50).", .integer(minimum: 1, maximum: 200)),
            .query("cursor", "The next_cursor of the previous page."),
        ],
        responses: [
            200: .json(.samplePage, "One page."),
            400: "A bad filter, limit or cursor (field names it).",
        ]
    )
}

extension APISchema {
    package static let sample: APISchema = .object(
        [
            "id": .integer,
            "external_id": .string(minLength: 1, maxLength: 64),
            "species": .string.example("bovine"),
            "kind": .string.example("semen"),
            "status": .enumeration(["received", "in_process", "stored", "shipped", "used", "discarded"]),
            "animal_id": .integer.nullable,
            "collected_at": .dateTime,
            "notes": .string(maxLength: 2000),
            "created_at": .dateTime,
            "updated_at": .dateTime,
            "container_id": .integer.nullable,
            "position": .integer.nullable,
            "collected_by": .string,
            "quantity": .number.nullable,
            "unit": .string,
            "doses": .integer.nullable,
            "freeze_thaw_count": .integer,
        ],
        required: [
            "id", "external_id", "species", "kind", "status", "collected_at", "notes", "created_at", "updated_at",
        ]
    ).named("Sample")

    package static let samplePage: APISchema = .object(
        [
            "items": .array(.sample),
            "next_cursor": .string.nullable,
        ], required: ["items", "next_cursor"]
    ).named("SamplePage")
}
