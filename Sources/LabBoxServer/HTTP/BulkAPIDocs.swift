// The JSON API documentation of the routes of Bulk: each operation is named where its route is declared.

extension APISchema {
    package static let sampleBulkResult: APISchema = .object(
        [
            "applied": .boolean,
            "results": .array(
                .object(
                    [
                        "ok": .boolean,
                        "error": .string,
                        "field": .string,
                        "id": .integer.described("The item (sample or animal) id."),
                    ]
                )),
        ]
    ).named("SampleBulkResult")
}
