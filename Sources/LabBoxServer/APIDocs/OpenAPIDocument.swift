import Foundation

/// The OpenAPI 3.1 document of the JSON API, built from the route declarations: each documented
/// route is an operation with its permission; named schemas become components.
package struct OpenAPIDocument {
    package let routes: [RouteTable.Route]

    package init(routes: [RouteTable.Route]) {
        self.routes = routes
    }

    /// The document as JSON, keys sorted so the same routes always give the same bytes.
    package var json: Data {
        var components = Components()
        var paths: [String: [String: JSON]] = [:]
        for route in routes {
            guard let operation = route.operation else { continue }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = self.operation(
                operation, path: route.path, permission: route.permission, components: &components)
        }
        let document: JSON = [
            "openapi": "3.1.0",
            "info": [
                "title": "LabBox API",
                "version": "0.1.0",
                "description": .string(
                    "JSON API of LabBox. All routes live under /api/v1 except the health and metrics endpoints. "
                        + #"Errors are {"error":{"code","message","field","request_id"}}."#),
            ],
            "servers": [["url": "/"]],
            "security": [["bearer": []]],
            "paths": .object(paths.mapValues(JSON.object)),
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "An API key or access token."]
                ],
                "schemas": .object(components.schemas),
            ],
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers, booleans, arrays and objects only: encoding cannot fail.
        return try! encoder.encode(document)
    }

    private func operation(
        _ operation: APIOperation, path: String, permission: Permission, components: inout Components
    ) -> JSON {
        var result: [String: JSON] = [
            "summary": .string(operation.summary),
            "description": .string(Self.describe(operation.description, permission: permission)),
            "x-permission": .string(permission.rawValue),
        ]
        if permission == .anonymous { result["security"] = [] }
        if !operation.parameters.isEmpty {
            result["parameters"] = .array(
                operation.parameters.map { parameter in
                    [
                        "name": .string(parameter.name), "in": .string(parameter.location.rawValue),
                        "required": .bool(parameter.required), "schema": components.json(parameter.schema),
                        "description": .string(parameter.description),
                    ]
                })
        }
        if let body = operation.body {
            result["requestBody"] = [
                "required": .bool(body.required),
                "content": .object([body.mediaType: ["schema": components.json(body.schema)]]),
            ]
        }
        var responses: [String: JSON] = [:]
        for (status, response) in Self.responses(operation, path: path, permission: permission) {
            var json: [String: JSON] = ["description": .string(response.description)]
            if !response.content.isEmpty {
                json["content"] = .object(
                    Dictionary(
                        response.content.map { ($0.mediaType, ["schema": components.json($0.schema)]) },
                        uniquingKeysWith: { first, _ in first }))
            }
            responses[String(status)] = .object(json)
        }
        result["responses"] = .object(responses)
        return .object(result)
    }

    /// The responses of a route's operation by status: its own, and the shared ones it does not
    /// describe itself. The reference page (``OpenAPIController``) lists the same.
    static func responses(_ operation: APIOperation, path: String, permission: Permission)
        -> [(status: Int, response: APIResponse)]
    {
        var seen = Set<Int>()
        return
            (operation.responses
            + shared(
                permission, body: operation.body, query: operation.parameters.contains { $0.location == .query },
                path: path))
            .filter { seen.insert($0.status).inserted }.sorted { $0.status < $1.status }
    }

    /// What every route may answer besides its own responses, unless it says otherwise: the rate
    /// limit; a missing or insufficient credential where one is needed; an unknown record where the
    /// path names one; a body that is malformed, too large or of another media type where one is read;
    /// query parameters that are malformed or name nothing LabBox knows where the route reads them.
    private static func shared(_ permission: Permission, body: APIBody?, query: Bool, path: String)
        -> [(status: Int, response: APIResponse)]
    {
        var shared: [(status: Int, response: APIResponse)] = []
        if permission != .anonymous {
            shared.append((401, "No valid credential."))
            shared.append((403, "The credential lacks the permission."))
        }
        if path.contains("{") { shared.append((404, "No such record.")) }
        if let body {
            shared.append((400, "A malformed body, or wrong types (field names it)."))
            shared.append((422, "A rule failed, or text holds a NUL character (field names it)."))
            shared.append((413, "Larger than server.max_body_bytes."))
            shared.append((415, APIResponse(stringLiteral: "Not \(body.mediaType).")))
        }
        if query, body == nil {
            shared.append((400, "A query parameter is missing or malformed (field names it)."))
            shared.append((422, "A query parameter names nothing LabBox knows (field names it)."))
        }
        shared.append((429, "Rate limit exceeded; see Retry-After."))
        return shared
    }

    /// The description starts with the permission the route needs, from its declaration.
    static func describe(_ text: String, permission: Permission) -> String {
        let needs: String
        switch permission {
        case .anonymous, .signedIn: return text
        case .account, .enrolling: needs = "Needs a person signed in (a session or an access token), not an API key."
        default: needs = "Needs \(permission)."
        }
        return text.isEmpty ? needs : "\(needs) \(text)"
    }

    /// The named schemas met so far, written once each.
    private struct Components {
        var schemas: [String: JSON] = [:]

        /// A schema as JSON; a named one becomes a `$ref`, its definition added on first use.
        mutating func json(_ schema: APISchema) -> JSON {
            if let name = schema.name {
                if schemas[name] == nil {
                    // A placeholder first, so that a schema which contains itself stops here.
                    schemas[name] = [:]
                    schemas[name] = definition(schema)
                }
                return ["$ref": .string("#/components/schemas/\(name)")]
            }
            return definition(schema)
        }

        private mutating func definition(_ schema: APISchema) -> JSON {
            var result: [String: JSON] = [:]
            for (keyword, value) in schema.keywords { result[keyword] = json(value) }
            return .object(result)
        }

        private mutating func json(_ value: APIValue) -> JSON {
            switch value {
            case .null: .null
            case .text(let text): .string(text)
            case .integer(let number): .int(number)
            case .list(let values): .array(values.map { json($0) })
            case .schema(let schema): json(schema)
            case .schemas(let schemas): .array(schemas.map { json($0) })
            case .properties(let properties):
                .object(Dictionary(properties.map { ($0.0, json($0.1)) }, uniquingKeysWith: { first, _ in first }))
            }
        }
    }

    /// A JSON value, as the document is assembled before it is encoded.
    private indirect enum JSON: Encodable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
        ExpressibleByDictionaryLiteral
    {
        case null
        case bool(Bool)
        case int(Int)
        case string(String)
        case array([JSON])
        case object([String: JSON])

        init(stringLiteral value: String) { self = .string(value) }
        init(arrayLiteral elements: JSON...) { self = .array(elements) }
        init(dictionaryLiteral elements: (String, JSON)...) {
            self = .object(Dictionary(elements, uniquingKeysWith: { first, _ in first }))
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array(let values): try container.encode(values)
            case .object(let values): try container.encode(values)
            }
        }
    }
}
