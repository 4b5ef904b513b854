import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of EmbryosAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let gradeEmbryosOfBatch = APIOperation(
        "Grade embryos of a batch",
        "IETS stage 1–9 and quality 1–4 per embryo; no more embryos than oocytes.",
        parameters: [
            .id
        ],
        body: .json(.grading),
        responses: [
            201: .json(
                .object(
                    [
                        "items": .array(.embryo)
                    ], required: ["items"]
                ), "The new embryos."),
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let recordFlushedInVivoEmbryos = APIOperation(
        "Record flushed (in vivo) embryos",
        "Give donor_id and sire_id.",
        body: .json(.grading),
        responses: [
            201: .json(
                .object(
                    [
                        "items": .array(.embryo)
                    ], required: ["items"]
                ), "The new embryos."),
            422: "A rule failed (field names it).",
        ]
    )

    package static let findEmbryos = lookup(
        "embryo", matchedBy: "code or straw barcode",
        filters: [
            .query(
                "transferable", "true: only embryos a transfer may take (in culture or frozen, not grade 4).",
                .enumeration(["true", "false"]))
        ])

    package static let oneEmbryo = APIOperation(
        "One embryo",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.embryo, "The embryo."),
            404: "No such record.",
        ]
    )

    package static let regradeEmbryoInCulture = APIOperation(
        "Regrade an embryo in culture",
        "Embryos are regulated: a reason is required.",
        parameters: [
            .id
        ],
        body: .json(.regrade),
        responses: [
            200: .json(.embryo, "Regraded."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let freezeEmbryoIntoStraw = APIOperation(
        "Freeze an embryo into a straw",
        "Grades up to reproduction.freezable_max_grade; the straw becomes an embryo sample checked in at the position (or the first free one in or below the container).",
        parameters: [
            .id
        ],
        body: .json(.freeze),
        responses: [
            201: .json(
                .object(
                    [
                        "embryo": .embryo,
                        "straw": .sample,
                    ]
                ), "The embryo and its straw."),
            404: "No such record.",
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let discardEmbryoInCulture = APIOperation(
        "Discard an embryo in culture",
        "With a reason.",
        parameters: [
            .id
        ],
        body: .json(.reason),
        responses: [
            200: .json(.embryo, "Discarded."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )
}

extension APISchema {
    package static let grading: APISchema = .object(
        [
            "day": .integer(minimum: 1, maximum: 9),
            "embryos": .array(
                .object(
                    [
                        "stage": .integer,
                        "grade": .integer,
                    ], required: ["stage", "grade"]
                )),
            "donor_id": .integer,
            "sire_id": .integer,
        ], required: ["day", "embryos"]
    ).named("Grading")

    package static let regrade: APISchema = .object(
        [
            "day": .integer,
            "stage": .integer,
            "grade": .integer,
            "reason": .string(maxLength: AuditTrail.maxReason),
        ], required: ["reason"]
    ).named("Regrade")

    package static let freeze: APISchema = .object(
        [
            "container_id": .integer,
            "position": .integer,
            "method": .enumeration(["vitrified", "slow_frozen"]),
        ], required: ["container_id"]
    ).named("Freeze")

    package static let reason: APISchema = .object(
        [
            "reason": .string(maxLength: AuditTrail.maxReason)
        ], required: ["reason"]
    ).named("Reason")
}
