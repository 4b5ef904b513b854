import LabBoxServer

// The JSON API documentation of the routes of RecipientsAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let listRecipients = APIOperation(
        "List recipients",
        "Enrolments, newest first; filter by status or animal.",
        parameters: [
            .query("status", "Filter by status.", .recipientStatus),
            .query("animal_id", "One animal's enrolments.", .recordID),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .recipient), "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let enrolRecipient = APIOperation(
        "Enrol a recipient",
        "A female with her synchronisation protocol (default natural heat) and the day of her oestrus (day 0; may be expected, in the future). One open enrolment per animal.",
        body: .json(.recipientInput),
        responses: [
            201: .json(.recipientDetail, "Enrolled."),
            400: "A bad body (field names it).",
            409: "She has an open enrolment already.",
            422: "A rule failed: not a female, a bad day (field names it).",
        ]
    )

    package static let oneRecipient = APIOperation(
        "One recipient with her checks",
        "Her cycle day today (days since oestrus) and every check at the chute.",
        parameters: [.id],
        responses: [
            200: .json(.recipientDetail, "The recipient."),
            404: "No such record.",
        ]
    )

    package static let changeRecipient = APIOperation(
        "Change a recipient",
        "Protocol, oestrus day, notes; a new oestrus day makes a skipped recipient available again (synchronised again); status retired (with a reason) ends the enrolment. A used or retired enrolment cannot change.",
        parameters: [.id],
        body: .json(.recipientChange),
        responses: [
            200: .json(.recipientDetail, "The recipient."),
            400: "A bad body (field names it).",
            404: "No such record.",
            409: "The enrolment is used or retired.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let checkRecipient = APIOperation(
        "Record a recipient's check on transfer day",
        "Corpus luteum present, side and score 1–3; unsuitable (no CL, or suitable false with skip_reason) skips her until she is synchronised again. Once a day; checked_on defaults to today.",
        parameters: [.id],
        body: .json(.recipientCheckInput),
        responses: [
            201: .json(.recipientCheck, "The check."),
            400: "A bad body (field names it).",
            404: "No such record.",
            409: "She was checked that day already, or is not available (field names it).",
            422: "A rule failed (field names it).",
        ]
    )

    package static let transferDayWorklist = APIOperation(
        "Transfer-day worklist",
        "For day on (default today): recipients whose cycle day is due (6 to 8 ± reproduction.synchrony_days) still to check, those ready (checked, CL present) each paired in chute order (the order of their checks) with an embryo in synchrony (fresh from culture first, then frozen straws to thaw, by grade and stage), those skipped and those transferred that day, and the embryos left. Each transfer is then recorded, witnessed, with POST /api/v1/transfers.",
        parameters: [
            .query("on", "The transfer day, YYYY-MM-DD (default today).", .date),
            .query("customer_id", "Embryos of this customer's donors.", .recordID),
            .query("donor_id", "Embryos of this donor.", .recordID),
            .query("sire_id", "Embryos of this sire.", .recordID),
            .query("max_grade", "Embryos of IETS quality 1 to this (default 3).", .enumeration(["1", "2", "3"])),
        ],
        responses: [
            200: .json(.transferDay, "The worklist."),
            400: "A bad parameter (field names it).",
        ]
    )
}

extension APISchema {
    package static let recipientStatus = APISchema.enumeration(Recipient.Status.allCases.map(\.rawValue))

    package static let recipient: APISchema = .object(
        [
            "id": .integer,
            "animal_id": .integer,
            "protocol": .string,
            "oestrus_on": .date.nullable,
            "status": .recipientStatus,
            "transfer_id": .integer.nullable,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ], required: ["id", "animal_id", "protocol", "status", "created_at", "updated_at"]
    ).named("Recipient")

    package static let recipientCheck: APISchema = .object(
        [
            "id": .integer,
            "recipient_id": .integer,
            "checked_on": .date,
            "cl_present": .boolean,
            "cl_side": .enumeration(["", "left", "right"]),
            "cl_score": .integer.nullable,
            "suitable": .boolean,
            "skip_reason": .enumeration(RecipientCheck.SkipReason.allCases.map(\.rawValue)),
            "skip_note": .string,
            "checked_by": .string,
            "created_at": .dateTime,
        ], required: ["id", "recipient_id", "checked_on", "cl_present", "suitable"]
    ).named("RecipientCheck")

    package static let recipientDetail: APISchema = .allOf([
        .recipient,
        .object(
            [
                "animal": .string,
                "species": .string,
                "cycle_day": .integer.nullable.described("Days since her oestrus today; null while it is unknown."),
                "checks": .array(.recipientCheck),
            ], required: ["animal", "species", "cycle_day", "checks"]),
    ]).named("RecipientDetail")

    package static let recipientInput: APISchema = .object(
        [
            "animal_id": .integer,
            "protocol": .string(maxLength: 200),
            "oestrus_on": .date,
            "notes": .string(maxLength: 2000),
        ], required: ["animal_id"]
    ).named("RecipientInput")

    package static let recipientChange: APISchema = .object(
        [
            "protocol": .string(maxLength: 200),
            "oestrus_on": .date,
            "status": .enumeration(["available", "retired"]),
            "notes": .string(maxLength: 2000),
            "reason": .string(maxLength: 2000),
        ]
    ).named("RecipientChange")

    package static let recipientCheckInput: APISchema = .object(
        [
            "checked_on": .date,
            "cl_present": .boolean,
            "cl_side": .enumeration(["", "left", "right"]),
            "cl_score": .integer(minimum: 1, maximum: 3),
            "suitable": .boolean.described("Default: cl_present."),
            "skip_reason": .enumeration(RecipientCheck.SkipReason.allCases.dropFirst().map(\.rawValue)),
            "skip_note": .string(maxLength: 500),
        ], required: ["cl_present"]
    ).named("RecipientCheckInput")

    private static let transferDayRecipient: APISchema = .object(
        [
            "recipient_id": .integer,
            "animal_id": .integer,
            "animal": .string,
            "species": .string,
            "protocol": .string,
            "cycle_day": .integer,
            "check": .recipientCheck.nullable,
            "transfer_id": .integer.nullable,
        ], required: ["recipient_id", "animal_id", "animal", "cycle_day"])

    private static let transferDayEmbryo: APISchema = .object(
        [
            "embryo_id": .integer,
            "code": .string,
            "species": .string,
            "iets": .string,
            "grade": .integer,
            "day": .integer.described("Its day of development on the transfer day."),
            "donor_id": .integer,
            "donor": .string,
            "sire_id": .integer,
            "sire": .string,
            "customer": .string.nullable,
            "fresh": .boolean,
            "straw": .string.nullable,
            "address": .string.nullable,
        ], required: ["embryo_id", "code", "iets", "day", "fresh"])

    package static let transferDay: APISchema = .object(
        [
            "on": .date,
            "tolerance": .integer,
            "pairs": .array(
                .object(
                    [
                        "recipient": transferDayRecipient,
                        "embryo": transferDayEmbryo.nullable,
                        "synchrony": .integer.nullable.described("Her cycle day minus the embryo's day."),
                    ], required: ["recipient"])),
            "to_check": .array(transferDayRecipient),
            "skipped": .array(transferDayRecipient),
            "transferred": .array(transferDayRecipient),
            "embryos": .array(transferDayEmbryo),
        ], required: ["on", "tolerance", "pairs", "to_check", "skipped", "transferred", "embryos"]
    ).named("TransferDay")
}
