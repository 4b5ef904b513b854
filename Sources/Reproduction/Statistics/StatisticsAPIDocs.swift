import LabBoxServer

// The JSON API documentation of the routes of StatisticsAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let successStatistics = APIOperation(
        "Success statistics",
        "Recovery, cleavage, blastocyst and pregnancy rates over a range of days, grouped, with the totals (summary) compared with the previous period of the same length. OPU figures count by the session's day, cleavage and blastocysts by the batch's fertilisation day, pregnancies by the transfer's day. by=month gives every month of the range in order (the time series); grade, preservation (fresh or frozen), cl_score (the recipient's corpus luteum score at her check on the transfer day) and synchrony (her cycle day minus the embryo's day, e.g. -1, 0, +1) group the transfers only; transfers to recipients never enrolled count under (none). Donors and sires with at least 20 oocytes inseminated are ranked by blastocyst rate (rank); the others follow unranked: their rates rest on too few oocytes.",
        parameters: [
            .query(
                "by", "donor (default), sire, technician, protocol, month, grade, preservation, cl_score or synchrony.",
                .enumeration(ReproductionStats.Grouping.allCases.map(\.rawValue)))
        ] + APIParameter.reportRange(default: .last12Months),
        responses: [
            200: .json(.reproductionStats, "The rows."),
            400: "A bad parameter (field names it).",
            422: "from after to, or more than ten years (field to).",
        ]
    )
}

extension APISchema {
    package static let reproductionStats: APISchema = .object(
        [
            "by": .string,
            "from": .date,
            "to": .date,
            "previous": .period,
            "summary": .map(.compared).described(
                "Each count and rate of the items' columns (rates in percent) over the whole range, beside the previous period."
            ),
            "items": .array(
                .object(
                    [
                        "key": .string,
                        "rank": .integer.nullable,
                        "opu_sessions": .integer,
                        "follicles": .integer,
                        "oocytes": .integer,
                        "inseminated": .integer,
                        "cleaved": .integer,
                        "blastocysts": .integer,
                        "transfers": .integer,
                        "diagnosed": .integer,
                        "pregnant": .integer,
                        "recovery": .rate,
                        "cleavage": .rate,
                        "blastocyst": .rate,
                        "pregnancy": .rate,
                    ]
                )),
        ]
    ).named("ReproductionStats")
}
