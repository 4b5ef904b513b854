import CustomFields
import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Samples: each operation is named where its route is declared.

extension APIOperation {
    package static let recordSample = APIOperation(
        "Record a sample",
        "The sample and its audit event are written in one durable transaction.",
        body: .json(.sampleInput),
        responses: [
            201: .json(.sample, "Created."),
            400: "Malformed JSON or wrong types.",
            409: "The external_id exists.",
            413: "Body too large.",
            415: "Not JSON.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let findSamples = lookup(
        "sample", matchedBy: "barcode (external id)",
        filters: [
            .query("kind", "Only samples of this kind, e.g. semen.", .string),
            .query(
                "available", "true: only samples not yet shipped, used or discarded.",
                .enumeration(["true", "false"])),
        ])

    package static let oneSample = APIOperation(
        "One sample",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.sample, "The sample."),
            404: "No such sample.",
        ]
    )

    package static let changeSample = APIOperation(
        "Change a sample",
        "Status changes follow the lifecycle received → in_process → stored → shipped / used / discarded. A reason is required; discarding needs a witness.",
        parameters: [
            .id
        ],
        body: .json(.sampleChange),
        responses: [
            200: .json(.sample, "Changed."),
            400: "Malformed, or the reason is missing (field reason).",
            404: "No such sample.",
            409: "The external_id exists.",
            422: "A rule failed: illegal transition, unknown animal, missing or same-person witness.",
        ]
    )

    package static let sampleHistory = APIOperation(
        "A sample's history",
        "Every audit event of the sample, newest first, with field-level changes.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.historyEntry)
                    ]
                ), "The history."),
            404: "No such sample.",
        ]
    )

    package static let sampleSignatureManifest = APIOperation(
        "A sample's signature manifest",
        parameters: [
            .id
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.signature)
                    ]
                ), "The manifest."),
            404: "No such sample.",
        ]
    )

    package static let signSample = APIOperation(
        "Sign a sample",
        "Also a person (not an API key). The password (and authenticator code) is re-entered at signing. A witness must differ from whoever performed.",
        parameters: [
            .id
        ],
        body: .json(.signatureRequest),
        responses: [
            201: .json(
                .object(
                    [
                        "items": .array(.signature)
                    ]
                ), "Signed."),
            404: "No such sample.",
            422: "Witness rule failed.",
        ]
    )

    package static let sampleLineage = APIOperation(
        "A sample's lineage",
        "What it was taken from and what was made of it, up to ten generations each way.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "ancestors": .array(.lineageNode),
                        "descendants": .array(.lineageNode),
                    ]
                ), "The lineage."),
            404: "No such sample.",
        ]
    )

    package static let changeManySamples = APIOperation(
        "Change many samples",
        "The same change (a status, notes, …) to each sample, with one reason and, to discard, one witness who signs each; in one transaction: all, or none (422) with each one's outcome.",
        body: .json(.sampleBulk),
        responses: [
            200: .json(.sampleBulkResult, "All changed."),
            422: .json(.sampleBulkResult, "None changed; see results."),
            400: "Malformed, or no ids.",
        ]
    )

    package static let listSamples = APIOperation(
        "List samples",
        "Filters combine with AND; keyset pages in ascending id.",
        parameters: APIParameter.sampleFilters + [
            .query(
                "sort",
                "Order: a column, with - for descending; by id (ascending) when absent. Cursors keep the order, with the id breaking ties.",
                .enumeration(["id", "-id", "collected_at", "-collected_at", "external_id", "-external_id"])),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.samplePage, "One page."),
            400: "A malformed filter, limit or cursor (field names it).",
            422:
                "A filter names a species or kind the lab does not use, a record that does not exist, or a date range that ends before it starts (field names it).",
        ]
    )
}

extension APIParameter {
    /// The filters of every sample list (list, CSV export, background export, labels); they
    /// combine with AND.
    package static let sampleFilters: [APIParameter] = [
        .query("q", "Words of the external id or notes (full text, prefix match)."),
        .query("species", "Filter by species."),
        .query("kind", "Filter by kind."),
        .query("status", "Filter by status.", .sampleStatus),
        .query("animal_id", "The samples of this animal.", .recordID),
        .query("owner_id", "The samples of the animals this customer owns.", .recordID),
        .query(
            "container_id", "The samples stored in this container or in any container inside it (a tank's goblets).",
            .recordID),
        .query("collected_from", "Collected on or after this day of the lab's calendar (lab.timezone).", .date),
        .query("collected_to", "Collected on or before this day of the lab's calendar (lab.timezone).", .date),
        .customFieldFilter,
    ]
}

extension APISchema {
    package static let sampleInput: APISchema = .object(
        [
            "external_id": .string(minLength: 1, maxLength: 64),
            "species": .string(maxLength: 64),
            "kind": .string(maxLength: 64),
            "status": .enumeration(["received", "in_process", "stored", "shipped", "used", "discarded"]),
            "animal_id": .integer.nullable,
            "collected_at": .dateTime,
            "notes": .string(maxLength: 2000),
            "collected_by": .string(maxLength: 200),
            "quantity": .number(minimum: 0),
            "unit": .enumeration(["mL", "µL", "straws", "vials", "mg", "µg", "cells", "embryos", "oocytes"]),
            "doses": .integer(minimum: 0),
            "freeze_thaw_count": .integer.described("Only goes up."),
            "parents": .array(
                .object(
                    [
                        "sample_id": .integer,
                        "relation": .enumeration(["aliquot", "derivative", "pool"]),
                    ], required: ["sample_id", "relation"]
                )
            ).described("On create: one parent for an aliquot or derivative, two or more for a pool, same species."),
            "custom_fields": .customFieldValuesInput,
        ]
    ).described(
        "The writable fields. On create external_id, species, kind and collected_at are required; status defaults to received. Species and kinds come from the lab.species and lab.sample_kinds settings."
    ).named("SampleInput")

    package static let sampleChange: APISchema = .allOf([
        .sampleInput,
        .object(
            [
                "reason": .string(maxLength: AuditTrail.maxReason).described(
                    "Why; required (samples are regulated records, see audit.reason_required)."),
                "witness": .witness,
            ]
        ),
    ]).named("SampleChange")

    package static let witness: APISchema = .object(
        [
            "email": .string(maxLength: 254),
            "password": .string(maxLength: 1024),
            "code": .string(maxLength: 64).described("Authenticator code when they use two-factor."),
        ], required: ["email", "password"]
    ).described(
        "A second person's credentials; required to discard a sample. They sign the discarded record as witnessed."
    ).named("Witness")

    package static let signatureRequest: APISchema = .object(
        [
            "meaning": .enumeration(["performed", "reviewed", "verified", "approved", "witnessed"]),
            "password": .string(maxLength: 1024).described("The signer's password, re-entered."),
            "code": .string(maxLength: 64).described("Authenticator code when the signer uses two-factor."),
            "email": .string(maxLength: 254).described(
                "Only for meaning=witnessed: the witness's email when they sign at someone else's session."),
            "reason": .string(maxLength: AuditTrail.maxReason),
        ], required: ["meaning", "password"]
    ).named("SignatureRequest")

    package static let lineageNode: APISchema = .object(
        [
            "id": .integer,
            "external_id": .string,
            "kind": .string,
            "status": .string,
            "relation": .enumeration(["aliquot", "derivative", "pool"]),
            "links": .array(.reference("LineageNode")).described(
                "Towards the ancestors: this sample's parents; towards the descendants: its children."),
        ]
    ).named("LineageNode")

    package static let sampleBulk: APISchema = .allOf([
        .sampleChange,
        .object(
            [
                "ids": .array(.integer, minItems: 1, maxItems: 1000)
            ], required: ["ids"]
        ),
    ]).named("SampleBulk")

    package static let sample: APISchema = .object(
        [
            "id": .integer,
            "external_id": .string(minLength: 1, maxLength: 64),
            "species": .string.example("bovine"),
            "kind": .string.example("semen"),
            "status": .enumeration(["received", "in_process", "stored", "shipped", "used", "discarded"]),
            "animal_id": .integer.nullable,
            "collected_at": .dateTime,
            "notes": .string(maxLength: 2000),
            "created_at": .dateTime,
            "updated_at": .dateTime,
            "container_id": .integer.nullable,
            "position": .integer.nullable,
            "collected_by": .string,
            "quantity": .number.nullable,
            "unit": .string,
            "doses": .integer.nullable,
            "freeze_thaw_count": .integer,
            "custom_fields": .customFieldValues,
        ],
        required: [
            "id", "external_id", "species", "kind", "status", "collected_at", "notes", "created_at", "updated_at",
        ]
    ).named("Sample")

    package static let samplePage: APISchema = .page(of: .sample).named("SamplePage")
}

extension APISchema {
    /// A sample's status, as a filter names it.
    package static let sampleStatus = APISchema.enumeration(Sample.Status.allCases.map(\.rawValue))
}
