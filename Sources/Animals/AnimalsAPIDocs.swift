import CustomFields
import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Animals: each operation is named where its route is declared.

extension APIOperation {
    package static let findAnimals = lookup(
        "animal", matchedBy: "registration number, microchip or ear tag",
        filters: [.query("sex", "female (donors, dams) or male (sires).", .enumeration(["female", "male", "unknown"]))])

    package static let listAnimals = APIOperation(
        "List animals",
        "Deleted records are left out; admins may add include_deleted=true.",
        parameters: APIParameter.animalFilters + [
            .query(
                "sort",
                "Order: a column, with - for descending; by id (ascending) when absent. Cursors keep the order, with the id breaking ties.",
                .enumeration(["id", "-id", "name", "-name", "birth_date", "-birth_date"])),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.animalPage, "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let addAnimal = APIOperation(
        "Add a animal",
        "Audited.",
        body: .json(.animalInput),
        responses: [
            201: .json(.animalDetail, "Created."),
            400: "Malformed.",
            409: "A unique value exists.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneAnimal = APIOperation(
        "One animal",
        "Deleted ones too, with deleted_at.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.animalDetail, "The record."),
            404: "No such record.",
        ]
    )

    package static let changeAnimal = APIOperation(
        "Change a animal",
        "Only given fields change; audited with the reason.",
        parameters: [
            .id
        ],
        body: .json(.animalInput),
        responses: [
            200: .json(.animalDetail, "Changed."),
            404: "No such live record.",
            409: "A unique value exists.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let animalPedigree = APIOperation(
        "An animal's pedigree",
        "Ancestors to the given depth and the offspring.",
        parameters: [
            .id,
            .query("generations", "1 to 6, default 3.", .integer(minimum: 1, maximum: 6)),
        ],
        responses: [
            200: .json(.pedigree, "The pedigree."),
            400: "Bad generations.",
            404: "No such animal.",
        ]
    )

    package static let exportAnimalsAsCSV = csvExport("animals", filters: APIParameter.animalFilters)
    package static let exportAnimalsInBackground = csvExportJob("animals", filters: APIParameter.animalFilters)

    package static let csvImportTemplateForAnimals = APIOperation(
        "CSV import template for animals",
        responses: [
            200: .file("text/csv", "The header and an example row.")
        ]
    )

    package static let checkCSVImportOfAnimalsDryRun = APIOperation(
        "Check a CSV import of animals (dry run)",
        "Validates every row; writes nothing.",
        body: .csv(
            "Columns: species (required), name, sex, breed, birth_date, status, owner_id, sire_id, dam_id, registration, microchip, ear_tag (several separated by ;), notes. Comma, semicolon or tab; BOM allowed; quoted fields may hold line breaks."
        ),
        responses: [
            200: .json(.importReport, "The report."),
            413: "Too large.",
            415: "Not text/csv.",
            422: "Not CSV, or unknown/missing columns.",
        ]
    )

    package static let importAnimalsFromCSV = APIOperation(
        "Import animals from CSV",
        "All rows in one transaction, each audited, or none.",
        body: .csv(
            "Columns: species (required), name, sex, breed, birth_date, status, owner_id, sire_id, dam_id, registration, microchip, ear_tag (several separated by ;), notes. Comma, semicolon or tab; BOM allowed; quoted fields may hold line breaks."
        ),
        responses: [
            201: .json(.importReport, "The report."),
            413: "Too large.",
            415: "Not text/csv.",
            422: "Rows have problems; nothing was imported.",
        ]
    )

    package static let changeManyAnimals = APIOperation(
        "Change many animals",
        "The same change (e.g. owner_id to assign an owner, status) to each animal with one reason, in one transaction: all, or none (422) with each one's outcome.",
        body: .json(
            .allOf([
                .animalInput,
                .object(
                    [
                        "ids": .array(.integer, minItems: 1, maxItems: 1000)
                    ], required: ["ids"]
                ),
            ])),
        responses: [
            200: .json(.sampleBulkResult, "All changed."),
            422: .json(.sampleBulkResult, "None changed; see results."),
            400: "Malformed, or no ids.",
        ]
    )

    package static let importAnimalsFromCSVInBackground = APIOperation(
        "Import animals from CSV in the background",
        "The same all-or-nothing import as POST /api/v1/animals/import, run as a `animals.import` job with progress; follow it at /api/v1/jobs/{id}. A file with problems fails the job (its log lists them) and imports nothing.",
        body: .csv(),
        responses: [
            202: .json(.job, "The queued job."),
            403: "Not allowed.",
            415: "Not text/csv.",
            422: "Not readable as CSV or columns wrong.",
        ]
    )
}

extension APISchema {
    package static let animalIdentifier: APISchema = .object(
        [
            "type": .enumeration(["registration", "microchip", "ear_tag"]),
            "value": .string(maxLength: 100),
        ], required: ["type", "value"]
    ).named("AnimalIdentifier")

    package static let animal: APISchema = .object(
        [
            "id": .integer,
            "species": .string,
            "name": .string,
            "sex": .enumeration(["female", "male", "unknown"]),
            "breed": .string,
            "birth_date": .date.nullable,
            "notes": .string,
            "owner_id": .integer.nullable,
            "status": .enumeration(["active", "sold", "deceased"]),
            "sire_id": .integer.nullable,
            "dam_id": .integer.nullable,
            "created_at": .dateTime,
            "updated_at": .dateTime,
            "deleted_at": .dateTime,
            "custom_fields": .customFieldValues,
        ]
    ).named("Animal")

    package static let animalDetail: APISchema = .allOf([
        .animal,
        .object(
            [
                "identifiers": .array(.animalIdentifier)
            ]
        ),
    ]).named("AnimalDetail")

    package static let animalInput: APISchema = .object(
        [
            "species": .string(maxLength: 64),
            "name": .string(maxLength: 200),
            "sex": .enumeration(["female", "male", "unknown"]),
            "breed": .string(maxLength: 100),
            "birth_date": .date,
            "notes": .string(maxLength: 5000),
            "owner_id": .integer,
            "status": .enumeration(["active", "sold", "deceased"]),
            "sire_id": .integer,
            "dam_id": .integer,
            "identifiers": .array(.animalIdentifier),
            "custom_fields": .customFieldValuesInput,
            "reason": .string(maxLength: AuditTrail.maxReason),
        ]
    ).described(
        "Writable fields; species is required on create and cannot change. identifiers, when given, replaces the list (unique per species and type). The sire must be a male and the dam a female of the same species, and no animal may become its own ancestor."
    ).named("AnimalInput")

    package static let animalPage: APISchema = .page(of: .animal).named("AnimalPage")

    package static let pedigreeNode: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "sex": .string,
            "breed": .string,
            "sire": .oneOf([.reference("PedigreeNode"), .null]),
            "dam": .oneOf([.reference("PedigreeNode"), .null]),
        ]
    ).named("PedigreeNode")

    package static let pedigree: APISchema = .object(
        [
            "generations": .integer,
            "root": .pedigreeNode,
            "offspring": .array(
                .object(
                    [
                        "id": .integer,
                        "name": .string,
                        "sex": .string,
                        "birth_date": .string.nullable,
                    ]
                )),
        ]
    ).named("Pedigree")
}

extension APIParameter {
    /// The filters of the animal list and its exports.
    package static let animalFilters: [APIParameter] = [
        .query("species", "Species."),
        .query("sex", "female, male or unknown.", .enumeration(["female", "male", "unknown"])),
        .query("status", "active, sold or deceased.", .enumeration(["active", "sold", "deceased"])),
        .query("owner_id", "Owner's customer id.", .integer),
        .query("q", "Words of the name, breed, notes or identifiers (full text, prefix match)."),
        .query("include_deleted", "Admins: true to list deleted records too."),
        .customFieldFilter,
    ]
}
