// The JSON API documentation every report over time shares: its range parameters and the
// comparison with the previous period.

extension APIParameter {
    /// `range`, `from` and `to` of ``ReportRange``, defaulting to `preset`.
    package static func reportRange(default preset: ReportRange.Preset) -> [APIParameter] {
        [
            .query(
                "range",
                "A period relative to today (the lab's day); \(preset.rawValue) when neither it nor from/to is given.",
                .enumeration(ReportRange.Preset.allCases.map(\.rawValue))),
            .query("from", "First day (the lab's calendar), YYYY-MM-DD; overrides the start of range.", .date),
            .query("to", "Last day, YYYY-MM-DD; overrides the end of range. At most ten years after from.", .date),
        ]
    }
}

extension APISchema {
    /// A figure beside the same figure in the previous period of the same length.
    package static let compared: APISchema = .object(
        [
            "value": .number.nullable,
            "previous": .number.nullable,
            "change": .number.nullable.described("value − previous; percentage points for a rate."),
        ], required: ["value", "previous", "change"]
    ).named("Compared")

    /// The period a report is compared with.
    package static let period: APISchema = .object(["from": .date, "to": .date]).named("Period")
}
