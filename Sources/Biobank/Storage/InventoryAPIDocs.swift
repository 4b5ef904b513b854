import LabBoxServer

// The JSON API documentation of the routes of Inventory: each operation is named where its route is declared.

extension APIOperation {
    package static let inventoryOnHand = APIOperation(
        "Inventory on hand",
        "Stored items and doses (an item without a dose count counts as one) per tank, per sire (semen) or per customer (owner of the source animal), largest first.",
        parameters: [
            .query("by", "Default tank.", .enumeration(["tank", "sire", "customer"]))
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "by": .string,
                        "items": .array(
                            .object(
                                [
                                    "id": .integer,
                                    "name": .string,
                                    "items": .integer,
                                    "doses": .integer,
                                ]
                            )),
                    ]
                ), "The report."),
            400: "A bad grouping.",
        ]
    )
}
