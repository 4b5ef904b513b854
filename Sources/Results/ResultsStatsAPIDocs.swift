import LabBoxServer

// The JSON API documentation of ResultsStatsController's route.

extension APIOperation {
    package static let resultsStatistics = APIOperation(
        "Results statistics",
        "Tests received (registered on an order) and verified per month of the lab's calendar, the median hours from receipt to verification per month, and the 20 most requested tests, over a range of days; the totals (summary: orders, received, verified, median_turnaround_hours) beside the previous period of the same length.",
        parameters: APIParameter.reportRange(default: .last12Months),
        responses: [
            200: .json(
                .object(
                    [
                        "from": .date,
                        "to": .date,
                        "previous": .period,
                        "summary": .map(.compared),
                        "months": .array(
                            .object(
                                [
                                    "month": .string,
                                    "received": .integer,
                                    "verified": .integer,
                                    "median_turnaround_hours": .number.nullable,
                                ], required: ["month", "received", "verified"])),
                        "tests": .array(
                            .object(["code": .string, "name": .string, "received": .integer])),
                    ]
                ).named("ResultsStats"), "The report."),
            400: "A malformed parameter (field names it).",
            422: "from after to, or more than ten years (field to).",
        ]
    )
}
