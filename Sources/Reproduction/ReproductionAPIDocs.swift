import LabBoxServer

// The JSON API documentation of the routes of Reproduction: each operation is named where its route is declared.

extension APIOperation {
    package static let listSemenCollections = APIOperation(
        "List semen collections",
        "Newest first.",
        parameters: [
            .query("limit", "Page size, 1–200 (default 50).", .integer(minimum: 1, maximum: 200)),
            .query("cursor", "The next_cursor of the previous page."),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.semenCollection),
                        "next_cursor": .string.nullable,
                    ], required: ["items", "next_cursor"]
                ), "One page."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let recordSemenCollection = APIOperation(
        "Record a semen collection",
        "Sire (male), day, volume, concentration, motility, morphology, post-thaw motility.",
        body: .json(.semenCollectionInput),
        responses: [
            201: .json(.semenCollection, "Created."),
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneSemenCollectionWithItsStraws = APIOperation(
        "One semen collection with its straws",
        parameters: [
            .id
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "collection": .semenCollection,
                        "straws": .array(.sample),
                    ]
                ), "The collection."),
            404: "No such record.",
        ]
    )

    package static let processIntoStraws = APIOperation(
        "Process into straws",
        "Creates one semen sample per straw, checked in at the next free positions in or below the container, in one transaction.",
        parameters: [
            .id
        ],
        body: .json(.semenProcessing),
        responses: [
            201: .json(
                .object(
                    [
                        "items": .array(.sample)
                    ], required: ["items"]
                ), "The straws."),
            404: "No such record.",
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let listOPUSessions = APIOperation(
        "List OPU sessions",
        "Newest first.",
        parameters: [
            .query("donor", "Only this donor's sessions (animal id).", .integer),
            .query("limit", "Page size, 1–200 (default 50).", .integer(minimum: 1, maximum: 200)),
            .query("cursor", "The next_cursor of the previous page."),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.opuSession),
                        "next_cursor": .string.nullable,
                    ], required: ["items", "next_cursor"]
                ), "One page."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let recordOPUSession = APIOperation(
        "Record an OPU session",
        "Grade counts plus degenerate cannot exceed the oocytes recovered.",
        body: .json(.opuSessionInput),
        responses: [
            201: .json(.opuSession, "Created."),
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneOPUSession = APIOperation(
        "One OPU session",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.opuSession, "The session."),
            404: "No such record.",
        ]
    )

    package static let listIVFBatches = APIOperation(
        "List IVF batches",
        "Newest first.",
        parameters: [
            .query("limit", "Page size, 1–200 (default 50).", .integer(minimum: 1, maximum: 200)),
            .query("cursor", "The next_cursor of the previous page."),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.ivfBatch),
                        "next_cursor": .string.nullable,
                    ], required: ["items", "next_cursor"]
                ), "One page."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let startIVFBatch = APIOperation(
        "Start an IVF batch",
        "One donor's usable oocytes (grades I–III) from one or more OPU sessions and one sire; a semen straw in storage is thawed out and used.",
        body: .json(.ivfBatchInput),
        responses: [
            201: .json(.ivfBatchReport, "The batch with computed rates."),
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneIVFBatch = APIOperation(
        "One IVF batch",
        "Cleavage rate = cleaved (D2–3) ÷ inseminated; blastocyst rate = blastocysts (D7–8) ÷ inseminated; also blastocysts ÷ cleaved.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.ivfBatchReport, "The batch."),
            404: "No such record.",
        ]
    )

    package static let recordCultureCheck = APIOperation(
        "Record a culture check",
        "One per day; counts cannot exceed the oocytes inseminated (blastocysts: the cleaved).",
        parameters: [
            .id
        ],
        body: .json(.ivfCheckInput),
        responses: [
            201: .json(.ivfBatchReport, "The batch."),
            404: "No such record.",
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

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

    package static let listTransfers = APIOperation(
        "List transfers",
        "Newest first.",
        parameters: [
            .query("limit", "Page size, 1–200 (default 50).", .integer(minimum: 1, maximum: 200)),
            .query("cursor", "The next_cursor of the previous page."),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.transfer),
                        "next_cursor": .string.nullable,
                    ], required: ["items", "next_cursor"]
                ), "One page."),
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
    package static let rate: APISchema = .object(
        [
            "count": .integer,
            "of": .integer,
            "percent": .number.nullable,
        ], required: ["count", "of", "percent"]
    ).named("Rate")

    package static let semenCollection: APISchema = .object(
        [
            "id": .integer,
            "sire_id": .integer,
            "collected_on": .date,
            "volume_ml": .number.nullable,
            "concentration": .number.nullable,
            "total_motility": .integer.nullable,
            "progressive_motility": .integer.nullable,
            "normal_morphology": .integer.nullable,
            "post_thaw_motility": .integer.nullable,
            "technician": .string,
            "extender": .string,
            "straw_size": .string,
            "doses_per_straw": .number.nullable,
            "straws": .integer,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("SemenCollection")

    package static let semenCollectionInput: APISchema = .object(
        [
            "sire_id": .integer,
            "collected_on": .date,
            "volume_ml": .number,
            "concentration": .number,
            "total_motility": .integer,
            "progressive_motility": .integer,
            "normal_morphology": .integer,
            "post_thaw_motility": .integer,
            "technician": .string,
            "notes": .string,
        ], required: ["sire_id"]
    ).named("SemenCollectionInput")

    package static let semenProcessing: APISchema = .object(
        [
            "straws": .integer,
            "doses_per_straw": .number,
            "straw_size": .enumeration(["0.25", "0.5"]),
            "extender": .string,
            "container_id": .integer,
        ], required: ["straws", "doses_per_straw", "container_id"]
    ).named("SemenProcessing")

    package static let opuSession: APISchema = .object(
        [
            "id": .integer,
            "donor_id": .integer,
            "performed_on": .date,
            "operator": .string,
            "follicles": .integer,
            "oocytes": .integer,
            "grade_1": .integer,
            "grade_2": .integer,
            "grade_3": .integer,
            "grade_4": .integer,
            "degenerate": .integer,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("OPUSession")

    package static let opuSessionInput: APISchema = .object(
        [
            "donor_id": .integer,
            "performed_on": .date,
            "operator": .string,
            "follicles": .integer,
            "oocytes": .integer,
            "grade_1": .integer,
            "grade_2": .integer,
            "grade_3": .integer,
            "grade_4": .integer,
            "degenerate": .integer,
            "notes": .string,
        ], required: ["donor_id", "follicles", "oocytes"]
    ).named("OPUSessionInput")

    package static let ivfBatch: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "donor_id": .integer,
            "sire_id": .integer,
            "semen_sample_id": .integer.nullable,
            "fertilised_on": .date,
            "medium": .string,
            "protocol": .string,
            "technician": .string,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("IVFBatch")

    package static let ivfBatchInput: APISchema = .object(
        [
            "code": .string,
            "sire_id": .integer,
            "semen_sample_id": .integer,
            "fertilised_on": .date,
            "medium": .string,
            "protocol": .string,
            "technician": .string,
            "notes": .string,
            "oocytes_from": .array(
                .object(
                    [
                        "opu_id": .integer,
                        "oocytes": .integer,
                    ], required: ["opu_id"]
                )),
        ], required: ["sire_id", "oocytes_from"]
    ).named("IVFBatchInput")

    package static let ivfCheck: APISchema = .object(
        [
            "id": .integer,
            "batch_id": .integer,
            "day": .integer,
            "checked_on": .date,
            "cleaved": .integer.nullable,
            "blastocysts": .integer.nullable,
            "notes": .string,
            "checked_by": .string,
            "created_at": .dateTime,
        ]
    ).named("IVFCheck")

    package static let ivfCheckInput: APISchema = .object(
        [
            "day": .integer(minimum: 1, maximum: 9),
            "checked_on": .date,
            "cleaved": .integer,
            "blastocysts": .integer,
            "notes": .string,
        ], required: ["day"]
    ).named("IVFCheckInput")

    package static let embryo: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "origin": .enumeration(["ivp", "in_vivo"]),
            "batch_id": .integer.nullable,
            "donor_id": .integer,
            "sire_id": .integer,
            "species": .string,
            "day": .integer,
            "stage": .integer(minimum: 1, maximum: 9),
            "grade": .integer(minimum: 1, maximum: 4),
            "fate": .enumeration(["in_culture", "frozen", "transferred", "discarded"]),
            "sample_id": .integer.nullable,
            "transfer_id": .integer.nullable,
            "graded_by": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("Embryo")

    package static let ivfBatchReport: APISchema = .object(
        [
            "batch": .ivfBatch,
            "oocytes_from": .array(
                .object(
                    [
                        "batch_id": .integer,
                        "opu_id": .integer,
                        "oocytes": .integer,
                    ]
                )),
            "checks": .array(.ivfCheck),
            "embryos": .array(.embryo),
            "inseminated": .integer,
            "cleaved": .integer.nullable,
            "blastocysts": .integer.nullable,
            "cleavage_rate": .oneOf([.rate, .null]),
            "blastocyst_rate": .oneOf([.rate, .null]),
            "blastocysts_per_cleaved": .oneOf([.rate, .null]),
        ]
    ).named("IVFBatchReport")

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
            "reason": .string,
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
            "reason": .string
        ], required: ["reason"]
    ).named("Reason")

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
            "technician": .string,
            "cl_side": .string,
            "cl_quality": .string,
            "notes": .string,
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
            "method": .string,
            "result": .string,
            "fetal_sex": .enumeration(["", "female", "male", "twins"]),
            "notes": .string,
        ], required: ["method", "result"]
    ).named("PregnancyCheckInput")

    package static let outcome: APISchema = .object(
        [
            "outcome": .enumeration(["born_alive", "stillborn"]),
            "outcome_on": .date,
            "offspring_sex": .string,
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
