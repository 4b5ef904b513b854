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
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            guard let operation = route.operation else { continue }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = self.operation(
                operation, path: route.path, permission: route.permission, components: &components)
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "LabBox API",
                "version": "0.1.0",
                "description":
                    "JSON API of LabBox. All routes live under /api/v1 except the health and metrics endpoints. "
                    + #"Errors are {"error":{"code","message","field","request_id"}}."#,
            ],
            "servers": [["url": "/"]],
            "security": [["bearer": [String]()]],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "An API key or access token."]
                ],
                "schemas": components.schemas,
            ],
        ]
        // Every value above is a string, number, array or dictionary, so serialising cannot fail.
        return try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private func operation(
        _ operation: APIOperation, path: String, permission: Permission, components: inout Components
    ) -> [String: Any] {
        var result: [String: Any] = [
            "summary": operation.summary,
            "description": Self.describe(operation.description, permission: permission),
            "x-permission": permission.rawValue,
        ]
        if permission == .anonymous { result["security"] = [Any]() }
        if !operation.parameters.isEmpty {
            result["parameters"] = operation.parameters.map { parameter in
                [
                    "name": parameter.name, "in": parameter.location.rawValue, "required": parameter.required,
                    "schema": components.json(parameter.schema), "description": parameter.description,
                ] as [String: Any]
            }
        }
        if let body = operation.body {
            result["requestBody"] = [
                "required": body.required,
                "content": [body.mediaType: ["schema": components.json(body.schema)]],
            ]
        }
        var responses: [String: Any] = [:]
        for (status, response) in Self.responses(operation, path: path, permission: permission) {
            var json: [String: Any] = ["description": response.description]
            if !response.content.isEmpty {
                json["content"] = Dictionary(
                    response.content.map { ($0.mediaType, ["schema": components.json($0.schema)]) },
                    uniquingKeysWith: { first, _ in first })
            }
            responses[String(status)] = json
        }
        result["responses"] = responses
        return result
    }

    /// The responses of a route's operation by status: its own, and the shared ones it does not
    /// describe itself. The reference page (``OpenAPIController``) lists the same.
    static func responses(_ operation: APIOperation, path: String, permission: Permission)
        -> [(status: Int, response: APIResponse)]
    {
        var seen = Set<Int>()
        return (operation.responses + shared(permission, body: operation.body, path: path))
            .filter { seen.insert($0.status).inserted }.sorted { $0.status < $1.status }
    }

    /// What every route may answer besides its own responses, unless it says otherwise: the rate
    /// limit; a missing or insufficient credential where one is needed; an unknown record where the
    /// path names one; a body that is malformed, too large or of another media type where one is read.
    private static func shared(_ permission: Permission, body: APIBody?, path: String)
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
        var schemas: [String: Any] = [:]

        /// A schema as JSON; a named one becomes a `$ref`, its definition added on first use.
        mutating func json(_ schema: APISchema) -> Any {
            if let name = schema.name {
                if schemas[name] == nil {
                    // A placeholder first, so that a schema which contains itself stops here.
                    schemas[name] = [String: Any]()
                    schemas[name] = definition(schema)
                }
                return ["$ref": "#/components/schemas/\(name)"]
            }
            return definition(schema)
        }

        private mutating func definition(_ schema: APISchema) -> [String: Any] {
            var result: [String: Any] = [:]
            for (keyword, value) in schema.keywords { result[keyword] = json(value) }
            return result
        }

        private mutating func json(_ value: APIValue) -> Any {
            switch value {
            case .null: NSNull()
            case .text(let text): text
            case .integer(let number): number
            case .list(let values): values.map { json($0) }
            case .schema(let schema): json(schema)
            case .schemas(let schemas): schemas.map { json($0) }
            case .properties(let properties):
                Dictionary(properties.map { ($0.0, json($0.1)) }, uniquingKeysWith: { first, _ in first })
            }
        }
    }
}
