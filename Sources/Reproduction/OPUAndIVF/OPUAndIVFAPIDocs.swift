import LabBoxServer

// The JSON API documentation of the routes of OPUAndIVFAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let listOPUSessions = APIOperation(
        "List OPU sessions",
        "Newest first.",
        parameters: [
            .query("donor", "Only this donor's sessions (animal id).", .recordID),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(
                .page(of: .opuSession), "One page."),
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
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(
                .page(of: .ivfBatch), "One page."),
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
}

extension APISchema {
    package static let rate: APISchema = .object(
        [
            "count": .integer,
            "of": .integer,
            "percent": .number.nullable,
        ], required: ["count", "of", "percent"]
    ).named("Rate")

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
            "operator": .string(maxLength: 200),
            "follicles": .integer,
            "oocytes": .integer,
            "grade_1": .integer,
            "grade_2": .integer,
            "grade_3": .integer,
            "grade_4": .integer,
            "degenerate": .integer,
            "notes": .string(maxLength: 2000),
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
            "code": .string(maxLength: 64),
            "sire_id": .integer,
            "semen_sample_id": .integer,
            "fertilised_on": .date,
            "medium": .string(maxLength: 200),
            "protocol": .string(maxLength: 200),
            "technician": .string(maxLength: 200),
            "notes": .string(maxLength: 2000),
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
            "notes": .string(maxLength: 2000),
        ], required: ["day"]
    ).named("IVFCheckInput")

    package static let embryo: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "origin": .enumeration(["ivp", "in_vivo"]),
            "batch_id": .integer.nullable,
            "flush_id": .integer.nullable,
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
}
