import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Storage: each operation is named where its route is declared.

extension APIOperation {
    package static let findContainers = lookup("container", matchedBy: "whole address (Tank 3 / C2 / G1)")

    package static let listContainers = APIOperation(
        "List containers",
        "The top level, or the children of parent_id, by name.",
        parameters: [
            .query("parent_id", "The parent container.", .integer)
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.storageContainer)
                    ]
                ), "Containers."),
            400: "Bad parent_id.",
        ]
    )

    package static let addContainer = APIOperation(
        "Add a container",
        "Admins define the layout.",
        body: .json(.storageContainerInput),
        responses: [
            201: .json(.storageContainer, "Created."),
            409: "The name exists among its siblings.",
            422: "A layout rule failed (field names it).",
        ]
    )

    package static let oneContainer = APIOperation(
        "One container",
        "With its address and occupancy of everything below it.",
        parameters: [
            .path("id", "The container's id.")
        ],
        responses: [
            200: .json(.storageContainerDetail, "The container."),
            404: "No such container.",
        ]
    )

    package static let occupancyMap = APIOperation(
        "Occupancy map",
        "Every position of a goblet, cane or box with what sits there.",
        parameters: [
            .path("id", "The container's id.")
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.storageCell)
                    ]
                ), "The positions."),
            404: "No such container.",
        ]
    )

    package static let firstFreePositions = APIOperation(
        "First free positions",
        "The first count free positions in the container or below it, in name order.",
        parameters: [
            .path("id", "The container's id."),
            .query("count", "1 to 1000, default 1.", .integer(minimum: 1, maximum: 1000)),
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.storageSlot)
                    ]
                ), "Free positions."),
            400: "Bad count.",
            404: "No such container.",
        ]
    )

    package static let tankFillLog = APIOperation(
        "Tank fill log",
        "Newest first.",
        parameters: [
            .path("id", "The container's id.")
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.tankFill)
                    ]
                ), "Fills."),
            404: "No such container.",
        ]
    )

    package static let logLiquidNitrogenFill = APIOperation(
        "Log a liquid-nitrogen fill",
        "Records who filled.",
        parameters: [
            .path("id", "The container's id.")
        ],
        body: .json(.tankFillInput),
        responses: [
            201: .json(
                .object(
                    [
                        "items": .array(.tankFill)
                    ]
                ), "Logged."),
            404: "No such tank.",
            422: "A value is out of range.",
        ]
    )

    package static let checkSampleIn = APIOperation(
        "Check a sample in",
        "Puts a sample that has no position at a free position of a goblet, cane or box; it becomes stored.",
        body: .json(.placement),
        responses: [
            200: .json(.sample, "Stored."),
            409: "The position is taken.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let moveStoredSample = APIOperation(
        "Move a stored sample",
        "A reason is required.",
        body: .json(.placement),
        responses: [
            200: .json(.sample, "Moved."),
            400: "No reason given (field reason).",
            409: "The position is taken.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let checkSampleOut = APIOperation(
        "Check a sample out",
        "shipment and transfer make it shipped; thaw puts it back in processing.",
        body: .json(.checkOut),
        responses: [
            200: .json(.sample, "Checked out."),
            404: "No such sample.",
            422: "Not in storage.",
        ]
    )

    package static let moveManySamples = APIOperation(
        "Move many samples",
        "One transaction and one reason: all moves apply, or none (422) with each one's outcome.",
        body: .json(.bulkMove),
        responses: [
            200: .json(.bulkMoveResult, "All moved."),
            422: .json(.bulkMoveResult, "None moved; see results."),
        ]
    )
}

extension APISchema {
    package static let storageContainer: APISchema = .object(
        [
            "id": .integer,
            "parent_id": .integer.nullable,
            "kind": .enumeration(["site", "room", "tank", "canister", "goblet", "cane", "freezer", "rack", "box"]),
            "name": .string,
            "rows": .integer,
            "columns": .integer,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ]
    ).named("StorageContainer")

    package static let storageContainerDetail: APISchema = .allOf([
        .storageContainer,
        .object(
            [
                "address": .string.example("T1 / C2 / G1"),
                "used": .integer,
                "capacity": .integer,
            ]
        ),
    ]).named("StorageContainerDetail")

    package static let storageContainerInput: APISchema = .object(
        [
            "parent_id": .integer,
            "kind": .enumeration(["site", "room", "tank", "canister", "goblet", "cane", "freezer", "rack", "box"]),
            "name": .string(maxLength: 60),
            "rows": .integer(minimum: 1, maximum: 100),
            "columns": .integer(minimum: 1, maximum: 100),
            "notes": .string(maxLength: 2000),
        ], required: ["kind", "name"]
    ).described(
        "site/room at the top; tank and freezer at the top or in a site/room; canister in a tank; goblet/cane in a canister (columns = slots); rack in a freezer; box in a rack or freezer (rows × columns). Names are unique among siblings."
    ).named("StorageContainerInput")

    package static let storageCell: APISchema = .object(
        [
            "position": .integer,
            "sample_id": .integer.described("Absent when free."),
            "external_id": .string,
            "kind": .string,
            "species": .string,
            "status": .string,
        ]
    ).named("StorageCell")

    package static let storageSlot: APISchema = .object(
        [
            "container_id": .integer,
            "position": .integer,
            "address": .string,
        ]
    ).named("StorageSlot")

    package static let placement: APISchema = .object(
        [
            "sample_id": .integer,
            "container_id": .integer,
            "position": .integer,
            "reason": .string(maxLength: AuditTrail.maxReason).described(
                "Required to move (samples are regulated records)."),
        ], required: ["sample_id", "container_id", "position"]
    ).named("Placement")

    package static let checkOut: APISchema = .object(
        [
            "sample_id": .integer,
            "reason": .enumeration(["shipment", "thaw", "transfer"]),
            "note": .string(maxLength: 500),
        ], required: ["sample_id", "reason"]
    ).named("CheckOut")

    package static let bulkMove: APISchema = .object(
        [
            "reason": .string(maxLength: AuditTrail.maxReason),
            "moves": .array(.placement, minItems: 1, maxItems: 1000),
        ], required: ["moves"]
    ).named("BulkMove")

    package static let bulkMoveResult: APISchema = .object(
        [
            "applied": .boolean,
            "results": .array(
                .object(
                    [
                        "ok": .boolean,
                        "error": .string,
                        "field": .string,
                        "id": .integer.described("The item (sample or animal) id."),
                    ]
                )),
        ]
    ).named("BulkMoveResult")

    package static let tankFill: APISchema = .object(
        [
            "id": .integer,
            "container_id": .integer,
            "filled_at": .dateTime,
            "level_before_cm": .number.nullable,
            "level_after_cm": .number.nullable,
            "litres": .number.nullable,
            "user_id": .integer.nullable,
            "by_name": .string,
            "notes": .string,
        ]
    ).named("TankFill")

    package static let tankFillInput: APISchema = .object(
        [
            "level_before_cm": .number,
            "level_after_cm": .number,
            "litres": .number,
            "notes": .string(maxLength: 2000),
        ]
    ).described("Give the level after filling or the litres filled (0–1000).").named("TankFillInput")
}
