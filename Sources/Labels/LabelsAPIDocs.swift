import LabBoxServer

// The JSON API documentation of the routes of Labels: each operation is named where its route is declared.

extension APIOperation {
    package static let sampleLabelsAsZPL = APIOperation(
        "Sample labels as ZPL",
        "ZPL II for Zebra printers (203 dpi): Code 128 (straw, sheet) or QR (tube) of the external id and text lines, for the filtered list (up to 500).",
        parameters: APIParameter.sampleFilters + [
            .query("size", "Label stock; default sheet.", .enumeration(["straw", "tube", "sheet"]))
        ],
        responses: [
            200: .file("application/zpl", "One ^XA…^XZ block per label."),
            400: "A bad filter or size.",
        ]
    )
}
