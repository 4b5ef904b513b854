import LabBoxServer

// The JSON API documentation of the routes of TransfersAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let findTransfers = lookup(
        "transfer", matchedBy: "recipient's registration number, microchip or ear tag")

    package static let listTransfers = APIOperation(
        "List transfers",
        "Newest first.",
        parameters: [
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(
                .page(of: .transfer), "One page."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let recordWitnessedEmbryoTransfer = APIOperation(
        "Record a witnessed embryo transfer",
        "One to three embryos into a female recipient of the same species; grade 4 is never transferred; a frozen embryo's straw is checked out of storage (thawed) and used. The witness signs with their own password and must not be the person recording it.",
        body: .json(.transferInput),
        responses: [
            201: .json(.transferTrace, "The transfer's trace."),
            401: "The witness's password is wrong.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let transferTrace = APIOperation(
        "A transfer's trace",
        "Back from the transfer to embryo, batch, OPU sessions, donor, sire and semen, with diagnoses and signatures.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.transferTrace, "The trace."),
            404: "No such record.",
        ]
    )

    package static let recordPregnancyDiagnosis = APIOperation(
        "Record a pregnancy diagnosis",
        "Not before the transfer; lost only after a positive diagnosis.",
        parameters: [
            .id
        ],
        body: .json(.pregnancyCheckInput),
        responses: [
            201: .json(.pregnancyCheck, "Created."),
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let recordCalvingOrFoaling = APIOperation(
        "Record the calving or foaling",
        "After a positive diagnosis.",
        parameters: [
            .id
        ],
        body: .json(.outcome),
        responses: [
            200: .json(.transfer, "The transfer."),
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let pregnancyChecksDue = APIOperation(
        "Pregnancy checks due",
        "Transfers without a diagnosis whose first check (reproduction.first_check_days) is due by today + ahead.",
        parameters: [
            .query("ahead", "Days ahead, 1–60 (default 0).", .integer(minimum: 1, maximum: 60))
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.pregnancyCheckDue)
                    ], required: ["items"]
                ), "The list."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let forwardTraceOfDonorOrSire = APIOperation(
        "Forward trace of a donor or sire",
        "Every embryo with the animal as donor or sire, its fate, recipient, diagnosis and outcome.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.forwardTrace, "The trace."),
            404: "No such record.",
        ]
    )
}

extension APISchema {
    package static let transfer: APISchema = .object(
        [
            "id": .integer,
            "recipient_id": .integer,
            "transferred_on": .date,
            "technician": .string,
            "cl_side": .enumeration(["", "left", "right"]),
            "cl_quality": .string,
            "notes": .string,
            "outcome": .enumeration(["", "born_alive", "stillborn"]),
            "outcome_on": .date.nullable,
            "offspring_sex": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("Transfer")

    package static let transferInput: APISchema = .object(
        [
            "recipient_id": .integer,
            "embryo_ids": .array(.integer),
            "transferred_on": .date,
            "technician": .string(maxLength: 200),
            "cl_side": .string(maxLength: 200),
            "cl_quality": .string(maxLength: 200),
            "notes": .string(maxLength: 2000),
            "witness": .witness,
        ], required: ["recipient_id", "embryo_ids", "witness"]
    ).named("TransferInput")

    package static let pregnancyCheck: APISchema = .object(
        [
            "id": .integer,
            "transfer_id": .integer,
            "checked_on": .date,
            "method": .enumeration(["ultrasound", "palpation", "blood_test"]),
            "result": .enumeration(["pregnant", "open", "lost"]),
            "fetal_sex": .string,
            "checked_by": .string,
            "notes": .string,
            "created_at": .dateTime,
        ]
    ).named("PregnancyCheck")

    package static let pregnancyCheckInput: APISchema = .object(
        [
            "checked_on": .date,
            "method": .string(maxLength: 200),
            "result": .string(maxLength: 200),
            "fetal_sex": .enumeration(["", "female", "male", "twins"]),
            "notes": .string(maxLength: 2000),
        ], required: ["method", "result"]
    ).named("PregnancyCheckInput")

    package static let outcome: APISchema = .object(
        [
            "outcome": .enumeration(["born_alive", "stillborn"]),
            "outcome_on": .date,
            "offspring_sex": .string(maxLength: 200),
        ], required: ["outcome"]
    ).named("Outcome")

    package static let transferTrace: APISchema = .object(
        [
            "transfer": .transfer,
            "recipient": .string,
            "embryos": .array(
                .object(
                    [
                        "embryo": .embryo,
                        "donor": .string,
                        "sire": .string,
                        "batch": .oneOf([.ivfBatch, .null]),
                        "opu_sessions": .array(.opuSession),
                        "semen": .string.nullable,
                        "straw": .string.nullable,
                    ]
                )),
            "pregnancy_checks": .array(
                .allOf([
                    .pregnancyCheck,
                    .object(
                        [
                            "days_after_transfer": .integer
                        ]
                    ),
                ])),
            "signatures": .array(.signature),
        ]
    ).named("TransferTrace")

    package static let forwardTrace: APISchema = .object(
        [
            "animal": .animal,
            "opu_sessions": .integer,
            "semen_collections": .integer,
            "embryos": .array(
                .object(
                    [
                        "embryo_id": .integer,
                        "code": .string,
                        "role": .enumeration(["donor", "sire"]),
                        "mate": .string,
                        "stage": .integer,
                        "grade": .integer,
                        "fate": .string,
                        "transfer_id": .integer.nullable,
                        "recipient": .string.nullable,
                        "transferred_on": .date.nullable,
                        "result": .string.nullable,
                        "outcome": .string.nullable,
                    ]
                )),
        ]
    ).named("ForwardTrace")

    package static let pregnancyCheckDue: APISchema = .object(
        [
            "transfer_id": .integer,
            "recipient": .string,
            "species": .string,
            "transferred_on": .date,
            "due_on": .date,
        ]
    ).named("PregnancyCheckDue")
}
