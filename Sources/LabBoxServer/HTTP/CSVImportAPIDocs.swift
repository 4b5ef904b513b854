// The JSON API documentation of the routes of CSVImport: each operation is named where its route is declared.

extension APISchema {
    package static let importReport: APISchema = .object(
        [
            "rows": .integer,
            "valid": .integer,
            "imported": .integer,
            "problems": .array(
                .object(
                    [
                        "row": .integer.described("As a spreadsheet numbers it: the header is row 1."),
                        "field": .string.nullable,
                        "message": .string,
                    ]
                )),
        ]
    ).named("ImportReport")
}
