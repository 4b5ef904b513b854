import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of CustomFieldsAPIController's routes, and the `custom_fields` object
// of the records that carry them.

extension APIOperation {
    package static let listCustomFields = APIOperation(
        "Custom fields",
        "The fields admins added to animals, customers and samples, by record type and position. Archived fields only with include_archived=true; their values are kept and shown, no longer changed.",
        parameters: [
            .query("entity_type", "Only this record type.", .enumeration(["animal", "customer", "sample"])),
            .query("include_archived", "true to list archived fields too."),
        ],
        responses: [
            200: .json(.object(["items": .array(.customField)], required: ["items"]), "The fields."),
            400: "A bad parameter.",
        ])

    package static let addCustomField = APIOperation(
        "Add a custom field",
        "entity_type, key, label and kind are required and, like species, never change. key is the name in the records' custom_fields object and in CSV headers. unit, minimum and maximum are for number fields, max_length (default 200) for text, choices for choice fields. Audited.",
        body: .json(.customFieldInput),
        responses: [
            201: .json(.customField, "The field."), 400: "A malformed body.",
            409: "The record type has a field with this key.", 422: "A rule broken (field names it).",
        ])

    package static let oneCustomField = APIOperation(
        "A custom field", parameters: [.id],
        responses: [200: .json(.customField, "The field."), 404: "No such field."])

    package static let changeCustomField = APIOperation(
        "Change a custom field",
        "The fields given. archived=true takes the field off forms and out of new values; its values are kept. An option some record holds cannot be removed. Audited.",
        parameters: [.id], body: .json(.customFieldChange),
        responses: [
            200: .json(.customField, "The field."), 400: "A malformed body.", 404: "No such field.",
            409: "An option in use would be removed.", 422: "A rule broken (field names it).",
        ])
}

extension APISchema {
    static let customField: APISchema = .object(
        [
            "id": .integer,
            "entity_type": .enumeration(["animal", "customer", "sample"]),
            "species": .string.nullable,
            "key": .string,
            "label": .string,
            "kind": .enumeration(["text", "number", "date", "choice"]),
            "unit": .string,
            "choices": .array(.string),
            "required": .boolean,
            "minimum": .number.nullable,
            "maximum": .number.nullable,
            "max_length": .integer,
            "position": .integer,
            "archived": .boolean,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ],
        required: [
            "id", "entity_type", "key", "label", "kind", "unit", "choices", "required", "max_length", "position",
            "archived", "created_at", "updated_at",
        ]
    ).named("CustomField")

    private static let changeProperties: KeyValuePairs<String, APISchema> = [
        "label": .string(maxLength: CustomFieldStore.maxLabel),
        "unit": .string(maxLength: CustomFieldStore.maxUnit),
        "choices": .array(.string(maxLength: CustomFieldStore.maxChoice), maxItems: CustomFieldStore.maxChoices),
        "required": .boolean,
        "minimum": .number,
        "maximum": .number,
        "max_length": .integer(minimum: 1, maximum: CustomFieldStore.maxTextLength),
        "position": .integer(minimum: 0, maximum: 10_000),
        "archived": .boolean,
    ]

    static let customFieldInput: APISchema = .allOf([
        .object(
            [
                "entity_type": .enumeration(["animal", "customer", "sample"]),
                "species": .string(maxLength: 64).described("Animals and samples: only records of this species."),
                "key": .string(maxLength: CustomFieldStore.maxKey).described("a-z, 0-9 and _, starting with a letter."),
                "kind": .enumeration(["text", "number", "date", "choice"]),
            ], required: ["entity_type", "key", "kind"]),
        .object(changeProperties, required: ["label"]),
    ]).named("CustomFieldInput")

    static let customFieldChange: APISchema = .object(changeProperties).named("CustomFieldChange")

    /// A record's `custom_fields`: each field's key and value, numbers as numbers, dates as
    /// YYYY-MM-DD, text and choices as strings.
    package static let customFieldValues: APISchema = .map(.oneOf([.string, .number])).described(
        "The record's custom field values by key (GET /api/v1/custom-fields): numbers as numbers, dates as YYYY-MM-DD, text and choices as strings. Archived fields' values are kept and shown."
    )

    /// What a create or change may send: a key given sets its value (null or "" clears it), a key
    /// left out stays.
    package static let customFieldValuesInput: APISchema = .map(.oneOf([.string(maxLength: 2000), .number, .null]))
        .described(
            "Values by key. A key given sets the value (null or \"\" clears it); one left out stays. A refused value names custom_fields.<key>: unknown or archived key, wrong type, out of range, not a choice, too long, or a required one missing."
        )
}

extension APIParameter {
    /// `cf.<key>` stands for one parameter per field; OpenAPI cannot name a family of parameters,
    /// so the document describes them on this placeholder, which the lists ignore.
    package static let customFieldFilter = query(
        "cf.<key>",
        "One parameter per custom field, named cf. and its key (e.g. cf.coat_colour=black): the records with exactly that value (numbers compared as numbers, dates as YYYY-MM-DD). A key no field has matches nothing.",
        .string(maxLength: CustomFieldStore.maxTextLength))
}
