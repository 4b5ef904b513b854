import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Privacy: each operation is named where its route is declared.

extension APIOperation {
    package static let listConsents = APIOperation(
        "A customer's consents",
        "Every statement, newest first; the newest per purpose is the one in force.",
        parameters: [.id],
        responses: [
            200: .json(.object(["items": .array(.consent)], required: ["items"]), "The statements."),
            404: "No such customer.",
        ]
    )

    package static let recordConsent = APIOperation(
        "Record a consent given or withdrawn",
        """
        A new statement for a purpose; earlier ones stay as evidence. effective_on is the day the person \
        gave or withdrew it (default today, never later); attachment_id names the evidence, a file \
        attached to this customer. Audited.
        """,
        parameters: [.id],
        body: .json(.consentInput),
        responses: [
            201: .json(.consent, "Recorded."),
            400: "Malformed.",
            404: "No such live customer.",
            422: "A bad purpose, status or day, or evidence that is not this customer's file (field names it).",
        ]
    )

    package static let exportCustomerData = APIOperation(
        "Export everything about a customer (subject access)",
        """
        A zip: index.html (every section as tables, readable offline), data/<section>.json (the same as \
        JSON), export.json (who exported it when) and files/ (the files on the customer and their \
        animals, orders and invoices). Sections: customer, consents, animals, identifiers, samples, \
        transfers, orders, results, results sent, invoices, lines, charges, payments, files, comments, \
        journal notes, accesses and the history of every change. Needs privacy:write (directors and \
        admins); recorded as an access and as a privacy.export audit event.
        """,
        parameters: [.id],
        responses: [
            200: .file("application/zip", "The export.", .binary),
            404: "No such customer.",
        ]
    )

    package static let eraseCustomer = APIOperation(
        "Erase a customer's personal data",
        """
        Pseudonymisation (GDPR art. 17, decision 0041): the customer becomes "Erased customer <id>" and is \
        deleted; its contact details, the buyer details of its invoices, its files, comments and notes, \
        mail to it and the texts the audit trail kept of it are erased, and the database file is \
        compacted so that nothing of them remains. Animals, orders, results and amounts stay, and the \
        audit chain still verifies. Needs privacy:write and a reason; refused (409, code \
        retention_required) while an invoice of the customer must still be kept \
        (privacy.invoice_retention_years) or is a draft. Audited.
        """,
        parameters: [.id],
        body: .json(.reasonInput),
        responses: [
            200: .json(.erasureOutcome, "Erased."),
            400: "Malformed.",
            404: "No such customer.",
            409: "Already erased, or an invoice must still be kept (code retention_required).",
            422: "No reason (field reason).",
        ]
    )

    package static let listPersonalDataAccesses = APIOperation(
        "Who viewed or exported people's data",
        """
        Every view of a customer's record (page or API), every export of one (export) and of the \
        customer list as CSV (list_export, subject_id list?<its filter>), newest first. Needs \
        privacy:read (directors, admins, auditors).
        """,
        parameters: [
            .query("customer_id", "Only this customer's record.", .recordID),
            .query("actor", "Only this user or key (as recorded).", .string(maxLength: 200)),
            .query(
                "action", "Only views or exports.", .enumeration(PersonalDataAccess.Action.allCases.map(\.rawValue))),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .personalDataAccess), "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let listErasures = APIOperation(
        "Erasures",
        "Every customer erased: when, by whom, why. Newest first. Needs privacy:read.",
        responses: [
            200: .json(.object(["items": .array(.erasureRecord)], required: ["items"]), "The erasures.")
        ]
    )
}

extension APISchema {
    package static let consent: APISchema = .object(
        [
            "id": .integer,
            "customer_id": .integer,
            "purpose": .string(minLength: 1, maxLength: ConsentStore.maxPurpose),
            "status": .enumeration(["given", "withdrawn"]),
            "effective_on": .date,
            "method": .string(maxLength: ConsentStore.maxMethod),
            "attachment_id": .integer.described("The evidence, a file on the customer."),
            "recorded_by": .string,
            "created_at": .dateTime,
        ],
        required: ["id", "customer_id", "purpose", "status", "effective_on", "method", "recorded_by", "created_at"]
    ).named("Consent")

    package static let consentInput: APISchema = .object(
        [
            "purpose": .string(minLength: 1, maxLength: ConsentStore.maxPurpose).with(
                "pattern", .text("^[a-z0-9][a-z0-9_]*$")
            )
            .examples(["results_by_email"]),
            "status": .enumeration(["given", "withdrawn"]),
            "effective_on": .date.described("The day it was given or withdrawn; default today."),
            "method": .string(maxLength: ConsentStore.maxMethod).examples(["signed form"]),
            "attachment_id": .recordID.described("A file attached to this customer: the evidence."),
        ], required: ["purpose", "status"]
    ).named("ConsentInput")

    package static let reasonInput: APISchema = .object(
        [
            "reason": .string(minLength: 1, maxLength: AuditTrail.maxReason).examples([
                "Request of the person, 2026-12-01"
            ])
        ],
        required: ["reason"]
    ).named("ErasureInput")

    package static let erasureOutcome: APISchema = .object(
        [
            "customer_id": .integer,
            "erased_at": .dateTime,
            "erased_by": .string,
            "reason": .string,
            "texts": .integer.described("Texts of the person's that the audit trail kept beside its chain."),
            "invoices": .integer.described("Invoices whose buyer details were erased."),
            "attachments": .integer,
            "notes": .integer.described("Comments and journal notes on the customer."),
            "emails": .integer.described("Mails to the person removed from the outbox."),
            "compacted": .boolean.described(
                "The database file was rewritten at once; if false, the texts are gone from every table and leave the file at the next VACUUM."
            ),
        ],
        required: [
            "customer_id", "erased_at", "erased_by", "reason", "texts", "invoices", "attachments", "notes", "emails",
            "compacted",
        ]
    ).named("Erasure")

    package static let personalDataAccess: APISchema = .object(
        [
            "id": .integer,
            "at": .dateTime,
            "actor_type": .enumeration(["user", "api_key", "system", "anonymous"]),
            "actor_id": .integer,
            "actor_name": .string,
            "subject_type": .enumeration(["customer"]),
            "subject_id": .string.described("The customer's id, or list?<filter> for a list export."),
            "action": .enumeration(PersonalDataAccess.Action.allCases.map(\.rawValue)),
            "channel": .enumeration(PersonalDataAccess.Channel.allCases.map(\.rawValue)),
            "request_id": .string,
            "client_ip": .string,
        ],
        required: [
            "id", "at", "actor_type", "actor_name", "subject_type", "subject_id", "action", "channel", "request_id",
            "client_ip",
        ]
    ).named("PersonalDataAccess")

    package static let erasureRecord: APISchema = .object(
        [
            "id": .integer,
            "subject_type": .enumeration(["customer"]),
            "subject_id": .string,
            "reason": .string,
            "erased_by": .string,
            "erased_at": .dateTime,
        ], required: ["id", "subject_type", "subject_id", "reason", "erased_by", "erased_at"]
    ).named("ErasureRecord")
}
