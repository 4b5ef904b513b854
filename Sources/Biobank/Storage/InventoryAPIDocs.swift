import LabBoxServer

// The JSON API documentation of the routes of Inventory: each operation is named where its route is declared.

extension APIOperation {
    package static let inventoryOnHand = APIOperation(
        "Inventory on hand",
        "Stored items and doses (an item without a dose count counts as one) per tank, per sire (semen) or per customer (owner of the source animal), largest first: what is on hand now, whatever the range. The range applies to the flows: summary compares samples received (registered), LN2 fills and litres with the previous period of the same length; months counts the samples received per month of the lab's calendar.",
        parameters: [
            .query("by", "Default tank.", .enumeration(["tank", "sire", "customer"]))
        ] + APIParameter.reportRange(default: .last12Months),
        responses: [
            200: .json(
                .object(
                    [
                        "by": .string,
                        "from": .date,
                        "to": .date,
                        "previous": .period,
                        "summary": .map(.compared),
                        "months": .array(.object(["month": .string, "received": .integer])),
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
            400: "A bad grouping or a malformed date (field names it).",
            422: "from after to, or more than ten years (field to).",
        ]
    )
}
