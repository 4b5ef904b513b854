// The JSON API documentation of the routes of History: each operation is named where its route is declared.

extension APISchema {
    package static let historyEntry: APISchema = .object(
        [
            "seq": .integer,
            "at": .dateTime,
            "actor": .string,
            "action": .string,
            "reason": .string.nullable,
            "changes": .array(
                .object(
                    [
                        "field": .string,
                        "before": .string.nullable,
                        "after": .string.nullable,
                    ]
                )),
        ]
    ).named("HistoryEntry")
}
