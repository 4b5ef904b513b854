import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Results: each operation is named where its route is declared.

extension APIOperation {
    package static let testCatalog = APIOperation(
        "The test catalog",
        "Tests with reference ranges, profiles, instruments, QC materials and the latest QC runs.",
        responses: [
            200: .json(.labCatalog, "The catalog.")
        ]
    )

    package static let addTest = APIOperation(
        "Add a test",
        body: .json(.labTestInput),
        responses: [
            201: .json(.labTest, "Created."),
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let addProfile = APIOperation(
        "Add a profile",
        "A named group of test codes.",
        body: .json(
            .object(
                [
                    "code": .string(maxLength: 32),
                    "name": .string(maxLength: 200),
                    "tests": .array(.string(maxLength: 64)),
                ], required: ["code", "name", "tests"]
            )),
        responses: [
            201: .json(
                .object(
                    [
                        "items": .array(.labProfile)
                    ], required: ["items"]
                ), "Created."),
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let addInstrument = APIOperation(
        "Add an instrument",
        "Past its calibration_due day it cannot be used.",
        body: .json(
            .object(
                [
                    "name": .string(maxLength: 200),
                    "calibration_due": .date,
                    "notes": .string(maxLength: 2000),
                ], required: ["name", "calibration_due"]
            )),
        responses: [
            201: .json(.instrument, "Created."),
            409: "A unique value exists or the record changed.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let recordCalibration = APIOperation(
        "Record a calibration",
        "Sets a new calibration_due.",
        parameters: [
            .id
        ],
        body: .json(
            .object(
                [
                    "calibration_due": .date,
                    "reason": .string(maxLength: AuditTrail.maxReason),
                ], required: ["calibration_due"]
            )),
        responses: [
            200: .json(.instrument, "The instrument."),
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let addQCControlMaterial = APIOperation(
        "Add a QC control material",
        "The value a test should find, ± tolerance.",
        body: .json(
            .object(
                [
                    "name": .string(maxLength: 200),
                    "test_code": .string(maxLength: 32),
                    "expected": .number,
                    "tolerance": .number,
                ], required: ["name", "test_code", "expected", "tolerance"]
            )),
        responses: [
            201: .json(.qcMaterial, "Created."),
            422: "A rule failed (field names it).",
        ]
    )

    package static let recordQCRun = APIOperation(
        "Record a QC run",
        "On a calibrated instrument; out of tolerance makes the run out of control, and results entered against it cannot be verified.",
        body: .json(
            .object(
                [
                    "material_id": .integer,
                    "instrument_id": .integer,
                    "measured": .number,
                ], required: ["material_id", "instrument_id", "measured"]
            )),
        responses: [
            201: .json(.qcRun, "Created."),
            422: "A rule failed (field names it).",
        ]
    )

    package static let findLabOrders = lookup("lab order", matchedBy: "reference or purchase order")

    package static let listLabOrders = APIOperation(
        "List lab orders",
        "Newest first.",
        parameters: [
            .query("customer", "Only this customer's orders.", .recordID)
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.labOrder)
                    ], required: ["items"]
                ), "The list."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let placeLabOrder = APIOperation(
        "Place a lab order",
        "One analysis per sample and test (profiles expanded); a test that does not accept a sample's kind refuses the whole order.",
        body: .json(
            .object(
                [
                    "customer_id": .integer,
                    "sample_ids": .array(.integer),
                    "tests": .array(.string(maxLength: 64)),
                    "profiles": .array(.string(maxLength: 64)),
                    "reference": .string(maxLength: 200),
                    "purchase_order": .string(maxLength: 100).described(
                        "The customer's purchase-order number; the invoice of the order's tests takes it."),
                    "notes": .string(maxLength: 2000),
                ], required: ["customer_id", "sample_ids"]
            )),
        responses: [
            201: .json(.orderReport, "The order."),
            422: "A rule failed (field names it).",
        ]
    )

    package static let orderWithItsResults = APIOperation(
        "An order with its results",
        "The JSON report.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.orderReport, "The order."),
            404: "No such record.",
        ]
    )

    package static let orderResultsAsCSV = APIOperation(
        "An order's results as CSV",
        parameters: [
            .id
        ],
        responses: [
            200: .file("text/csv", "CSV."),
            404: "No such record.",
        ]
    )

    package static let worklist = APIOperation(
        "The worklist",
        "Analyses in the given states, oldest first.",
        parameters: [
            .query("state", "Comma-separated states (default to_verify).", .analysisStates),
            .query("after", "Analyses after this id (paging).", .recordID),
            .query("limit", "1–500 (default 100).", .integer(minimum: 1, maximum: 500)),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.analysisLine)
                    ], required: ["items"]
                ), "The list."),
            400: "A bad parameter or body (field names it).",
        ]
    )

    package static let startAnalysis = APIOperation(
        "Start an analysis",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.analysis, "The analysis."),
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let enterOrChangeResult = APIOperation(
        "Enter or change a result",
        "Flagged against the species' reference range; the instrument must be calibrated. Changing an entered or verified result needs a reason and a new verification.",
        parameters: [
            .id
        ],
        body: .json(
            .object(
                [
                    "value": .number,
                    "instrument_id": .integer,
                    "qc_run_id": .integer,
                    "reason": .string(maxLength: AuditTrail.maxReason),
                ], required: ["value"]
            )),
        responses: [
            200: .json(.analysis, "The analysis."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let verifyResultESignature = APIOperation(
        "Verify a result (e-signature)",
        "By a person (not an API key) other than the one who entered it, re-entering their password; refused when the run's QC was out of control. Verified once results.verifications people signed this value.",
        parameters: [
            .id
        ],
        body: .json(
            .object(
                [
                    "password": .string(maxLength: 1024),
                    "code": .string(maxLength: 32),
                ], required: ["password"]
            )),
        responses: [
            200: .json(.analysis, "The analysis."),
            401: "Wrong password or code.",
            403: "An API key, or the person who entered the result.",
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let rejectResult = APIOperation(
        "Reject a result",
        "Back for retest (default) or, with retest=false, for good; a reason is required.",
        parameters: [
            .id
        ],
        body: .json(
            .object(
                [
                    "reason": .string(maxLength: AuditTrail.maxReason),
                    "retest": .boolean,
                ], required: ["reason"]
            )),
        responses: [
            200: .json(.analysis, "The analysis."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )
}

extension APISchema {
    package static let labTest: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "name": .string,
            "sample_kinds": .string,
            "unit": .string,
            "method": .string,
            "price_cents": .integer.described("Only for callers who may see money (billing:read)."),
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("LabTest")

    package static let labTestInput: APISchema = .object(
        [
            "code": .string(maxLength: 32),
            "name": .string(maxLength: 200),
            "sample_kinds": .array(.string(maxLength: 64)),
            "unit": .string(maxLength: 32),
            "method": .string(maxLength: 200),
            "price_cents": .integer,
            "ranges": .array(
                .object(
                    [
                        "species": .string(maxLength: 64),
                        "low": .number.nullable,
                        "high": .number.nullable,
                    ], required: ["species"]
                )),
        ], required: ["code", "name", "sample_kinds"]
    ).named("LabTestInput")

    package static let labProfile: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "name": .string,
            "tests": .string,
            "created_at": .dateTime,
        ]
    ).named("LabProfile")

    package static let instrument: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "calibration_due": .date,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("Instrument")

    package static let qcMaterial: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "test_id": .integer,
            "expected": .number,
            "tolerance": .number,
            "created_at": .dateTime,
        ]
    ).named("QCMaterial")

    package static let qcRun: APISchema = .object(
        [
            "id": .integer,
            "material_id": .integer,
            "instrument_id": .integer,
            "measured": .number,
            "in_control": .boolean,
            "run_by": .string,
            "run_at": .dateTime,
        ]
    ).named("QCRun")

    package static let labCatalog: APISchema = .object(
        [
            "catalog": .object(
                [
                    "tests": .array(.labTest),
                    "ranges": .array(
                        .object(
                            [
                                "test_id": .integer,
                                "species": .string,
                                "low": .number.nullable,
                                "high": .number.nullable,
                            ]
                        )),
                    "profiles": .array(.labProfile),
                    "instruments": .array(.instrument),
                    "materials": .array(.qcMaterial),
                    "runs": .array(.qcRun),
                ]
            )
        ]
    ).named("LabCatalog")

    package static let labOrder: APISchema = .object(
        [
            "id": .integer,
            "customer_id": .integer,
            "ordered_on": .date,
            "reference": .string,
            "purchase_order": .string,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("LabOrder")

    package static let analysisLine: APISchema = .object(
        [
            "id": .integer,
            "order_id": .integer,
            "sample_id": .integer,
            "sample": .string,
            "species": .string,
            "test_code": .string,
            "test_name": .string,
            "state": .enumeration(["received", "in_progress", "to_verify", "verified", "rejected", "retest"]),
            "value": .number.nullable,
            "unit": .string,
            "low": .number.nullable,
            "high": .number.nullable,
            "flag": .enumeration(["", "low", "high"]),
            "instrument": .string.nullable,
            "qc_in_control": .boolean.nullable,
            "entered_by": .integer.nullable,
            "entered_by_name": .string.nullable,
            "verified_by": .array(.string),
        ]
    ).named("AnalysisLine")

    package static let analysis: APISchema = .object(
        [
            "id": .integer,
            "order_id": .integer,
            "sample_id": .integer,
            "test_id": .integer,
            "state": .string,
            "value": .number.nullable,
            "unit": .string,
            "low": .number.nullable,
            "high": .number.nullable,
            "flag": .string,
            "instrument_id": .integer.nullable,
            "qc_run_id": .integer.nullable,
            "entered_by": .integer.nullable,
            "entered_at": .dateTime.nullable,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("Analysis")

    package static let orderReport: APISchema = .object(
        [
            "order": .labOrder,
            "customer": .string,
            "analyses": .array(.analysisLine),
            "complete": .boolean,
        ]
    ).named("OrderReport")
}

extension APISchema {
    /// One or more analysis states, separated by commas.
    static let analysisStates: APISchema = {
        let state = "(" + Analysis.State.allCases.map(\.rawValue).joined(separator: "|") + ")"
        return APISchema.string.with("pattern", .text("^\(state)(,\(state))*$"))
    }()
}
