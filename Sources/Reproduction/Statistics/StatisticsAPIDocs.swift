import LabBoxServer

// The JSON API documentation of the routes of StatisticsAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let successStatistics = APIOperation(
        "Success statistics",
        "Recovery, cleavage, blastocyst and pregnancy rates grouped by donor, sire, technician or protocol.",
        parameters: [
            .query(
                "by", "donor (default), sire, technician or protocol.",
                .enumeration(["donor", "sire", "technician", "protocol"]))
        ],
        responses: [
            200: .json(.reproductionStats, "The rows."),
            400: "A bad parameter or body (field names it).",
        ]
    )
}

extension APISchema {
    package static let reproductionStats: APISchema = .object(
        [
            "by": .string,
            "items": .array(
                .object(
                    [
                        "key": .string,
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
