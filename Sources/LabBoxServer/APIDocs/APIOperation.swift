/// The documentation of one JSON API operation, given where its route is declared
/// (`routes.get("/api/v1/samples", .samplesRead, .listSamples) { … }`).
///
/// The method, path and permission come from the route; the OpenAPI document adds the responses
/// every route shares (401 and 403 where a credential is needed, 429 for the rate limit).
package struct APIOperation: Sendable {
    package var summary: String
    package var description: String
    package var parameters: [APIParameter]
    package var body: APIBody?
    package var responses: [(status: Int, response: APIResponse)]

    package init(
        _ summary: String, _ description: String = "", parameters: [APIParameter] = [], body: APIBody? = nil,
        responses: KeyValuePairs<Int, APIResponse>
    ) {
        self.summary = summary
        self.description = description
        self.parameters = parameters
        self.body = body
        self.responses = responses.map { ($0.key, $0.value) }
    }
}

package struct APIParameter: Sendable {
    package enum Location: String, Sendable { case path, query }
    package var name: String
    package var location: Location
    package var required: Bool
    package var schema: APISchema
    package var description: String

    /// A part of the path, such as `{id}`.
    package static func path(_ name: String, _ description: String, _ schema: APISchema = .integer) -> APIParameter {
        APIParameter(name: name, location: .path, required: true, schema: schema, description: description)
    }

    package static func query(
        _ name: String, _ description: String, _ schema: APISchema = .string, required: Bool = false
    ) -> APIParameter {
        APIParameter(name: name, location: .query, required: required, schema: schema, description: description)
    }

    /// The `{id}` of most records.
    package static let id = path("id", "The record's id.")

    /// The size of a keyset page.
    package static let limit = query("limit", "Page size, 1–200 (default 50).", .integer(minimum: 1, maximum: 200))

    /// Where a keyset page starts.
    package static let cursor = query("cursor", "The next_cursor of the previous page.")
}

/// A request body: its media type and schema.
package struct APIBody: Sendable {
    package var mediaType: String
    package var schema: APISchema
    package var required: Bool

    package static func json(_ schema: APISchema, required: Bool = true) -> APIBody {
        APIBody(mediaType: "application/json", schema: schema, required: required)
    }

    /// A `multipart/form-data` body (a file upload): `schema` is an object whose properties are the
    /// form's fields, files among them as `.binary` strings.
    package static func multipart(_ schema: APISchema) -> APIBody {
        APIBody(mediaType: "multipart/form-data", schema: schema, required: true)
    }

    /// A `text/csv` body; `columns` describes what it holds.
    package static func csv(_ columns: String? = nil) -> APIBody {
        APIBody(mediaType: "text/csv", schema: columns.map { .string.described($0) } ?? .string, required: true)
    }
}

/// One possible response. A string literal is an error response (the `Error` schema) with that
/// description.
package struct APIResponse: Sendable, ExpressibleByStringLiteral {
    package var description: String
    /// Media types and their schemas; empty for a response without a body.
    package var content: [(mediaType: String, schema: APISchema)]

    package init(_ description: String, content: [(mediaType: String, schema: APISchema)]) {
        self.description = description
        self.content = content
    }

    package init(stringLiteral description: String) {
        self.init(description, content: [("application/json", .error)])
    }

    package static func json(_ schema: APISchema, _ description: String) -> APIResponse {
        APIResponse(description, content: [("application/json", schema)])
    }

    /// A body of another media type (CSV, a label file, an archive).
    package static func file(_ mediaType: String, _ description: String, _ schema: APISchema = .string)
        -> APIResponse
    {
        APIResponse(description, content: [(mediaType, schema)])
    }

    package static func empty(_ description: String) -> APIResponse { APIResponse(description, content: []) }
}

extension APISchema {
    /// The body of every error response: `{"error":{"code","message","field"?,"request_id"}}`.
    package static let error = APISchema.object(
        [
            "error": .object(
                [
                    "code": .string.examples(["not_found"]),
                    "message": .string,
                    "field": .string,
                    "request_id": .string,
                ], required: ["code", "message", "request_id"])
        ], required: ["error"]
    ).named("Error")
}
