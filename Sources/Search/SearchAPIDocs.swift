import LabBoxServer

// The JSON API documentation of the routes of Search: each operation is named where its route is declared.

extension APIOperation {
    package static let searchEverything = APIOperation(
        "Search everything",
        "Any signed-in caller; each kind of result only for those who may read it. Full text (FTS5) over sample barcodes and notes, animal names, breeds, notes and identifiers, customer names, contacts, cities, emails and notes, and library documents (the version in force, else the latest: title, collection, tags and text); every word must match, as a prefix; diacritics are ignored. Each hit has the passage that matched.",
        parameters: [
            .query("q", "The words.", required: true)
        ],
        responses: [
            200: .json(.searchResults, "Up to 20 hits per kind, best first.")
        ]
    )
}

extension APISchema {
    package static let searchHit: APISchema = .object(
        [
            "type": .enumeration(["sample", "animal", "customer", "document"]),
            "id": .integer,
            "title": .string,
            "detail": .string,
            "snippet": APISchema.string.described(
                "HTML: the passage that matched, escaped, with the matched words in <mark> (empty for the exact barcode)."
            ),
        ], required: ["type", "id", "title", "detail", "snippet"]
    ).named("SearchHit")

    package static let searchResults: APISchema = .object(
        [
            "exact": .oneOf([.searchHit, .null]).described(
                "The sample whose external id is exactly q (a scanned barcode)."),
            "items": .array(.searchHit),
        ]
    ).named("SearchResults")
}
