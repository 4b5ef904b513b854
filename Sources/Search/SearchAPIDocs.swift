import LabBoxServer

// The JSON API documentation of the routes of Search: each operation is named where its route is declared.

extension APIOperation {
    package static let searchEverything = APIOperation(
        "Search everything",
        "Any signed-in caller; each kind of result only for those who may read it. Full text (FTS5) over sample barcodes and notes, animal names, breeds, notes and identifiers, customer names, contacts, cities, emails and notes; every word must match, as a prefix; diacritics are ignored.",
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
            "type": .enumeration(["sample", "animal", "customer"]),
            "id": .integer,
            "title": .string,
            "detail": .string,
        ]
    ).named("SearchHit")

    package static let searchResults: APISchema = .object(
        [
            "exact": .oneOf([.searchHit, .null]).described(
                "The sample whose external id is exactly q (a scanned barcode)."),
            "items": .array(.searchHit),
        ]
    ).named("SearchResults")
}
