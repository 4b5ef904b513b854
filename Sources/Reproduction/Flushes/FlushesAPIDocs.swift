import LabBoxServer

// The JSON API documentation of the routes of FlushesAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let listFlushes = APIOperation(
        "List flushes",
        "Newest first; filter by donor and by the day of the flush (from, to: both included).",
        parameters: [
            .query("donor_id", "Only this donor's flushes.", .recordID),
            .query("from", "Flushed on or after this day.", .date),
            .query("to", "Flushed on or before this day.", .date),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .flushLine), "One page."),
            400: "A bad parameter (field names it).",
            422: "from is after to.",
        ]
    )

    package static let recordFlush = APIOperation(
        "Record a flush",
        "A donor's flush with what was recovered and its graded embryos, which become in vivo embryo records linked to the flush. Graded embryos + UFO + degenerate may not exceed recovered. The semen straw is marked used (thawed out of storage if it is still there); the superovulation, when given, must be the donor's and active, and becomes flushed. All in one transaction.",
        body: .json(.flushInput),
        responses: [
            201: .json(.flushDetail, "Created."),
            400: "A bad body (field names it).",
            409: "The superovulation is not active.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneFlush = APIOperation(
        "One flush with its embryos",
        "Its donor, sire, semen straw, superovulation, and the embryos graded (transferable: quality 1–3).",
        parameters: [.id],
        responses: [
            200: .json(.flushDetail, "The flush."),
            404: "No such record.",
        ]
    )

    package static let listSuperovulationProtocols = APIOperation(
        "List superovulation protocols",
        "In use by default; archived=true lists the archived ones.",
        parameters: [
            .query("archived", "true: the archived protocols.", .enumeration(["true", "false"])), .limit, .cursor,
        ],
        responses: [
            200: .json(.page(of: .superovulationProtocol), "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let recordSuperovulationProtocol = APIOperation(
        "Record a superovulation protocol",
        "A template of 1 to 40 timed steps, kept in order of day and time.",
        body: .json(.superovulationProtocolInput),
        responses: [
            201: .json(.superovulationProtocol, "Created."),
            400: "A bad body (field names it).",
            409: "The name is taken.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneSuperovulationProtocol = APIOperation(
        "One superovulation protocol", "With its steps.", parameters: [.id],
        responses: [
            200: .json(.superovulationProtocol, "The protocol."),
            404: "No such record.",
        ]
    )

    package static let changeSuperovulationProtocol = APIOperation(
        "Change a superovulation protocol",
        "The fields given; steps, when given, replace them all. Superovulations already started keep their schedule.",
        parameters: [.id],
        body: .json(.superovulationProtocolInput),
        responses: [
            200: .json(.superovulationProtocol, "The protocol."),
            400: "A bad body (field names it).",
            404: "No such record.",
            409: "The name is taken.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let archiveSuperovulationProtocol = APIOperation(
        "Archive a superovulation protocol", "No new superovulation may start from it; nothing is deleted.",
        parameters: [.id],
        responses: [
            200: .json(.superovulationProtocol, "The protocol."),
            404: "No such record.",
        ]
    )

    package static let restoreSuperovulationProtocol = APIOperation(
        "Restore an archived superovulation protocol", "It may be applied to donors again.", parameters: [.id],
        responses: [
            200: .json(.superovulationProtocol, "The protocol."),
            404: "No such record.",
        ]
    )

    package static let listSuperovulations = APIOperation(
        "List superovulations",
        "Newest first; filter by donor and status.",
        parameters: [
            .query("donor_id", "Only this donor's.", .recordID),
            .query("status", "Filter by status.", .enumeration(Superovulation.Status.allCases.map(\.rawValue))),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .superovulation), "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let startSuperovulation = APIOperation(
        "Apply a protocol to a donor",
        "From started_on: the protocol's steps become the donor's dated schedule, copied so that later changes to the protocol leave it as it is. A donor is on one protocol at a time; the protocol must be in use and of her species.",
        body: .json(.superovulationStart),
        responses: [
            201: .json(.superovulationDetail, "Started."),
            400: "A bad body (field names it).",
            409: "The donor is on another superovulation.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let superovulationWorklist = APIOperation(
        "The superovulation worklist of a day",
        "The steps of active superovulations due on day (default today, the lab's calendar), by time and donor; for today, also the earlier steps not yet done (overdue), first.",
        parameters: [.query("day", "YYYY-MM-DD (default today).", .date)],
        responses: [
            200: .json(
                .object(["day": .date, "items": .array(.superovulationWorkItem)], required: ["day", "items"]),
                "The steps."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let oneSuperovulation = APIOperation(
        "One superovulation with its schedule", "Its steps, done or not, and the flush that ended it.",
        parameters: [.id],
        responses: [
            200: .json(.superovulationDetail, "The superovulation."),
            404: "No such record.",
        ]
    )

    package static let cancelSuperovulation = APIOperation(
        "Cancel a superovulation",
        "An active one; the reason is required.",
        parameters: [.id],
        body: .json(.object(["reason": .string(minLength: 1, maxLength: 2000)], required: ["reason"])),
        responses: [
            200: .json(.superovulationDetail, "The cancelled superovulation."),
            400: "A bad body (field names it).",
            404: "No such record.",
            409: "It is not active.",
            422: "No reason.",
        ]
    )

    package static let markSuperovulationStepDone = APIOperation(
        "Mark a superovulation step done",
        "By the caller, now (audited). Only steps of an active superovulation, once.",
        parameters: [.id],
        responses: [
            200: .json(.superovulationStep, "The step."),
            404: "No such record.",
            409: "Done already, or the superovulation is not active.",
        ]
    )
}

extension APISchema {
    package static let flush: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "donor_id": .integer,
            "sire_id": .integer,
            "semen_sample_id": .integer,
            "superovulation_id": .integer,
            "flushed_on": .date,
            "operator": .string,
            "day": .integer(minimum: 1, maximum: 9),
            "recovered": .integer(minimum: 0, maximum: 500),
            "unfertilised": .integer(minimum: 0),
            "degenerate": .integer(minimum: 0),
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ],
        required: [
            "id", "code", "donor_id", "sire_id", "flushed_on", "operator", "day", "recovered", "unfertilised",
            "degenerate", "created_at", "updated_at",
        ]
    ).named("Flush")

    package static let flushLine: APISchema = .allOf([
        .flush,
        .object(
            ["donor": .string, "graded": .integer, "transferable": .integer],
            required: ["donor", "graded", "transferable"]),
    ]).named("FlushLine")

    package static let flushDetail: APISchema = .allOf([
        .flush,
        .object(
            [
                "donor": .string,
                "sire": .string,
                "semen_straw": .string.nullable,
                "superovulation_code": .string.nullable,
                "transferable": .integer,
                "embryos": .array(.embryo),
            ], required: ["donor", "sire", "semen_straw", "superovulation_code", "transferable", "embryos"]),
    ]).named("FlushDetail")

    package static let flushInput: APISchema = .object(
        [
            "donor_id": .integer,
            "sire_id": .integer,
            "semen_sample_id": .integer,
            "superovulation_id": .integer,
            "flushed_on": .date.described("Default today; not in the future."),
            "operator": .string(maxLength: 200).described("Default the caller's name."),
            "day": .integer(minimum: 1, maximum: 9).described("The embryos' day since oestrus, default 7."),
            "recovered": .integer(minimum: 0, maximum: 500),
            "unfertilised": .integer(minimum: 0, maximum: 500),
            "degenerate": .integer(minimum: 0, maximum: 500),
            "embryos": .array(
                .object(
                    ["stage": .integer(minimum: 1, maximum: 9), "grade": .integer(minimum: 1, maximum: 4)],
                    required: ["stage", "grade"]), maxItems: 200),
            "notes": .string(maxLength: 2000),
        ], required: ["donor_id", "sire_id", "recovered"]
    ).named("FlushInput")

    static let protocolStepKind = APISchema.enumeration(SuperovulationStepKind.allCases.map(\.rawValue))

    package static let superovulationProtocol: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "species": .string,
            "notes": .string,
            "steps": .array(
                .object(
                    [
                        "day": .integer(minimum: 0, maximum: 60),
                        "time": .string.described("HH:MM"),
                        "kind": .protocolStepKind,
                        "amount": .number,
                        "unit": .string,
                        "note": .string,
                    ], required: ["day", "time", "kind", "unit", "note"])),
            "archived_at": .dateTime,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ], required: ["id", "name", "species", "notes", "steps", "created_at", "updated_at"]
    ).named("SuperovulationProtocol")

    package static let superovulationProtocolInput: APISchema = .object(
        [
            "name": .string(minLength: 1, maxLength: 120),
            "species": .string(maxLength: 40),
            "notes": .string(maxLength: 2000),
            "steps": .array(
                .object(
                    [
                        "day": .integer(minimum: 0, maximum: 60).described("Days after the start."),
                        "time": .string(minLength: 4, maxLength: 5).described("HH:MM on the lab's clock."),
                        "kind": .protocolStepKind,
                        "amount": .number.described("A dose, more than 0."),
                        "unit": .string(maxLength: 20),
                        "note": .string(maxLength: 200),
                    ], required: ["day", "time", "kind"]), minItems: 1, maxItems: 40),
            "reason": .string(maxLength: 2000),
        ]
    ).named("SuperovulationProtocolInput")

    package static let superovulation: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "donor_id": .integer,
            "protocol_id": .integer,
            "protocol_name": .string,
            "started_on": .date,
            "status": .enumeration(Superovulation.Status.allCases.map(\.rawValue)),
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ],
        required: [
            "id", "code", "donor_id", "protocol_id", "protocol_name", "started_on", "status", "created_at",
            "updated_at",
        ]
    ).named("Superovulation")

    package static let superovulationStep: APISchema = .object(
        [
            "id": .integer,
            "superovulation_id": .integer,
            "due_on": .date,
            "due_time": .string,
            "kind": .protocolStepKind,
            "amount": .number,
            "unit": .string,
            "note": .string,
            "done_at": .dateTime,
            "done_by": .string,
        ], required: ["id", "superovulation_id", "due_on", "due_time", "kind"]
    ).named("SuperovulationStep")

    package static let superovulationWorkItem: APISchema = .allOf([
        .superovulationStep,
        .object(
            ["superovulation_code": .string, "donor_id": .integer, "donor": .string, "overdue": .boolean],
            required: ["superovulation_code", "donor_id", "donor", "overdue"]),
    ]).named("SuperovulationWorkItem")

    package static let superovulationDetail: APISchema = .allOf([
        .superovulation,
        .object(
            ["donor": .string, "flush_id": .integer.nullable, "steps": .array(.superovulationStep)],
            required: ["donor", "flush_id", "steps"]),
    ]).named("SuperovulationDetail")

    package static let superovulationStart: APISchema = .object(
        [
            "donor_id": .integer,
            "protocol_id": .integer,
            "started_on": .date.described("Day 0 of the protocol."),
            "notes": .string(maxLength: 2000),
        ], required: ["donor_id", "protocol_id", "started_on"]
    ).named("SuperovulationStart")
}
