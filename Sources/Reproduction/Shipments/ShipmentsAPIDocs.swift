import Biobank
import LabBoxServer

// The JSON API documentation of the routes of ShipmentsAPIController: each operation is named where its route is declared.

extension APIOperation {
    package static let listShipments = APIOperation(
        "List shipments",
        "Newest first; filter by direction and status.",
        parameters: [
            .query("direction", "outbound or inbound.", .enumeration(["outbound", "inbound"])),
            .query("status", "Filter by status.", .shipmentStatus),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .shipment), "One page."),
            400: "A bad parameter or body (field names it).",
            422: "A rule failed (field names it).",
        ]
    )

    package static let recordShipment = APIOperation(
        "Record a shipment",
        "A draft: outbound to, or inbound from, a customer or a partner lab, with courier and dry shipper.",
        body: .json(.shipmentInput),
        responses: [
            201: .json(.shipmentDetail, "Created."),
            400: "A bad parameter or body (field names it).",
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneShipment = APIOperation(
        "One shipment with its straws",
        "Its consignee or sender, when the shipper's charge runs out, and each straw with where it is now.",
        parameters: [.id],
        responses: [
            200: .json(.shipmentDetail, "The shipment."),
            404: "No such record.",
        ]
    )

    package static let changeShipment = shipmentStep(
        "Change a shipment",
        "The header fields given; a closed or cancelled shipment cannot change.",
        body: .json(.shipmentChange), answer: "The shipment.",
        conflict: "The shipment is closed or cancelled.")

    package static let addStrawToShipment = APIOperation(
        "Add a straw to an outbound shipment",
        "By its printed code (scanned). The straw must be in storage and on no other open shipment; it stays in its position until packing.",
        parameters: [.id],
        body: .json(.shipmentItemInput),
        responses: [
            201: .json(.shipmentDetail, "The shipment."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            409: "The straw is not in storage or on an open shipment, or the shipment is not a draft (field names it).",
            422: "No straw has the code, or a rule failed (field names it).",
        ]
    )

    package static let removeStrawFromShipment = APIOperation(
        "Take a straw off an outbound shipment",
        "Only while the shipment is a draft.",
        parameters: [.id],
        responses: [
            200: .json(.shipmentDetail, "The shipment."),
            404: "No such record.",
            409: "The shipment is not a draft.",
        ]
    )

    package static let packShipment = APIOperation(
        "Pack an outbound shipment",
        "Checks every straw out of its position and marks it shipped, in one transaction: if one cannot be, nothing changes.",
        parameters: [.id],
        responses: [
            200: .json(.shipmentDetail, "The packed shipment."),
            404: "No such record.",
            409: "The shipment is not a draft, or a straw left storage (field names it).",
            422: "The shipment has no straws.",
        ]
    )

    package static let handOverShipment = shipmentStep(
        "Hand a packed shipment to the courier",
        "At handed_over_at (default now).",
        body: .json(.shipmentHandOver), answer: "The shipment.",
        conflict: "The shipment is not packed.")

    package static let receiveShipment = shipmentStep(
        "Record that a shipment arrived",
        "Outbound: the consignee's receipt after hand-over; inbound: the arrival here. With the receiver's discrepancies.",
        body: .json(.shipmentReceipt), answer: "The shipment.",
        conflict: "The shipment cannot be received in its status.")

    package static let checkInArrivingStraw = APIOperation(
        "Check an arriving straw in",
        "Inbound only: a new semen or embryo sample labelled with the sender's code, placed at the position or the first free one in or below the container, in one transaction.",
        parameters: [.id],
        body: .json(.shipmentCheckIn),
        responses: [
            201: .json(.sample, "The new straw."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            409: "The code is taken, the position is taken, or the shipment is not inbound or open (field names it).",
            422: "A rule failed (field names it).",
        ]
    )

    package static let returnDryShipper = shipmentStep(
        "Record the dry shipper's return",
        "After receipt; closes the shipment.",
        body: .json(.object(["returned_at": .dateTime])), answer: "The closed shipment.",
        conflict: "The shipment has not been received.",
        unprocessable: "No shipper is recorded, or a rule failed (field names it).")

    package static let cancelShipment = shipmentStep(
        "Cancel a draft shipment",
        "The reason is required. Its straws never left their positions.",
        body: .json(.object(["reason": .string(minLength: 1, maxLength: 2000)], required: ["reason"])),
        answer: "The cancelled shipment.",
        conflict: "The shipment is not a draft, or straws were checked in from it.")

    /// A step of a shipment's life with a body: the shipment as it is after the step.
    private static func shipmentStep(
        _ title: String, _ description: String, body: APIBody, answer: String, conflict: String,
        unprocessable: String = "A rule failed (field names it)."
    ) -> APIOperation {
        APIOperation(
            title, description, parameters: [.id], body: body,
            responses: [
                200: .json(.shipmentDetail, answer),
                400: "A bad parameter or body (field names it).",
                404: "No such record.",
                409: .init(stringLiteral: conflict),
                422: .init(stringLiteral: unprocessable),
            ])
    }
}

extension APISchema {
    package static let shipmentStatus = APISchema.enumeration(Shipment.Status.allCases.map(\.rawValue))

    package static let shipment: APISchema = .object(
        [
            "id": .integer,
            "code": .string,
            "direction": .enumeration(["outbound", "inbound"]),
            "status": .shipmentStatus,
            "customer_id": .integer,
            "partner_lab": .string,
            "courier": .string,
            "tracking_no": .string,
            "shipper_id": .string,
            "charged_at": .dateTime,
            "hold_days": .integer,
            "expected_straws": .integer,
            "handed_over_at": .dateTime,
            "received_at": .dateTime,
            "shipper_returned_at": .dateTime,
            "discrepancies": .string,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ], required: ["id", "code", "direction", "status", "created_at", "updated_at"]
    ).named("Shipment")

    package static let shipmentDetail: APISchema = .allOf([
        .shipment,
        .object(
            [
                "counterparty": .string,
                "must_arrive_by": .dateTime.nullable,
                "items": .array(
                    .object(
                        [
                            "id": .integer,
                            "sample_id": .integer,
                            "code": .string,
                            "canister": .string,
                            "kind": .string,
                            "species": .string,
                            "status": .string,
                            "address": .string,
                            "notes": .string,
                        ], required: ["id", "sample_id", "code", "status"])),
            ], required: ["counterparty", "must_arrive_by", "items"]),
    ]).named("ShipmentDetail")

    package static let shipmentInput: APISchema = .object(
        [
            "direction": .enumeration(["outbound", "inbound"]),
            "customer_id": .integer,
            "partner_lab": .string(maxLength: 200),
            "courier": .string(maxLength: 100),
            "tracking_no": .string(maxLength: 100),
            "shipper_id": .string(maxLength: 60),
            "charged_at": .dateTime,
            "hold_days": .integer(minimum: 1, maximum: 60),
            "expected_straws": .integer(minimum: 0, maximum: 10_000),
            "notes": .string(maxLength: 2000),
        ], required: ["direction"]
    ).named("ShipmentInput")

    package static let shipmentChange: APISchema = .object(
        [
            "customer_id": .integer,
            "partner_lab": .string(maxLength: 200),
            "courier": .string(maxLength: 100),
            "tracking_no": .string(maxLength: 100),
            "shipper_id": .string(maxLength: 60),
            "charged_at": .dateTime,
            "hold_days": .integer(minimum: 1, maximum: 60),
            "expected_straws": .integer(minimum: 0, maximum: 10_000),
            "notes": .string(maxLength: 2000),
            "reason": .string(maxLength: 2000),
        ]
    ).named("ShipmentChange")

    package static let shipmentItemInput: APISchema = .object(
        [
            "code": .string(minLength: 1, maxLength: 64),
            "canister": .string(maxLength: 40),
        ], required: ["code"]
    ).named("ShipmentItemInput")

    package static let shipmentHandOver: APISchema = .object(
        [
            "handed_over_at": .dateTime,
            "courier": .string(maxLength: 100),
            "tracking_no": .string(maxLength: 100),
        ]
    ).named("ShipmentHandOver")

    package static let shipmentReceipt: APISchema = .object(
        [
            "received_at": .dateTime,
            "discrepancies": .string(maxLength: 2000),
        ]
    ).named("ShipmentReceipt")

    package static let shipmentCheckIn: APISchema = .object(
        [
            "code": .string(minLength: 1, maxLength: 64),
            "kind": .enumeration(["semen", "embryo"]),
            "species": .string(maxLength: 40),
            "animal_id": .integer,
            "container_id": .integer,
            "position": .integer,
            "canister": .string(maxLength: 40),
            "notes": .string(maxLength: 2000),
        ], required: ["code", "kind", "species", "container_id"]
    ).named("ShipmentCheckIn")
}
