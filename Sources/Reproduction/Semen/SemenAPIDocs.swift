import LabBoxServer

// The JSON API documentation of the routes of SemenAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let listSemenCollections = APIOperation(
        "List semen collections",
        "Newest first.",
        parameters: [
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(
                .page(of: .semenCollection), "One page."),
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
}

extension APISchema {
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
            "technician": .string(maxLength: 200),
            "notes": .string(maxLength: 2000),
        ], required: ["sire_id"]
    ).named("SemenCollectionInput")

    package static let semenProcessing: APISchema = .object(
        [
            "straws": .integer,
            "doses_per_straw": .number,
            "straw_size": .enumeration(["0.25", "0.5"]),
            "extender": .string(maxLength: 200),
            "container_id": .integer,
        ], required: ["straws", "doses_per_straw", "container_id"]
    ).named("SemenProcessing")
}
