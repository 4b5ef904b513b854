// The JSON API documentation of the routes of Open: each operation is named where its route is declared.

extension APIOperation {
    package static let openAPIDocument = APIOperation(
        "This document",
        "The OpenAPI 3.1 description of the API. No authentication.",
        responses: [
            200: .json(.anyObject, "The OpenAPI document.")
        ]
    )
}
