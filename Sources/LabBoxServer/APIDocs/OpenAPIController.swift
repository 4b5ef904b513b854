import Foundation
import Hummingbird

/// Serves the OpenAPI 3.1 document of the JSON API and a readable reference page rendered from it.
///
/// The document is built from the route declarations (``RouteTable``), so it describes exactly the
/// routes that exist.
package struct OpenAPIController {
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/openapi.json", .anonymous, .openAPIDocument) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: routes.openAPIDocument)))
        }
        routes.get("/docs", .signedIn) { request, context in
            let operations = try Self.operations(in: routes.openAPIDocument)
            return pages.page(
                "docs", title: "API reference", section: "docs", request: request, context: context,
                values: ["operations": operations])
        }
    }

    /// Flattens paths × methods into rows for the reference page, in document order by path.
    package static func operations(in document: Data) throws -> [[String: Any]] {
        guard let root = try JSONSerialization.jsonObject(with: document) as? [String: Any],
            let paths = root["paths"] as? [String: [String: Any]]
        else { return [] }
        let methods = ["get", "post", "put", "patch", "delete"]
        return paths.keys.sorted().flatMap { path in
            methods.compactMap { method -> [String: Any]? in
                guard let operation = paths[path]?[method] as? [String: Any] else { return nil }
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).map { parameter in
                    [
                        "name": parameter["name"] ?? "",
                        "in": parameter["in"] ?? "",
                        "required": (parameter["required"] as? Bool) == true,
                        "description": parameter["description"] ?? "",
                    ]
                }
                let responses = (operation["responses"] as? [String: [String: Any]] ?? [:]).sorted { $0.key < $1.key }
                    .map { ["status": $0.key, "description": $0.value["description"] ?? ""] }
                return [
                    "method": method.uppercased(),
                    "path": path,
                    "anchor": "\(method)-\(path)".replacingOccurrences(of: "/", with: "-"),
                    "summary": operation["summary"] ?? "",
                    "description": operation["description"] ?? "",
                    "security": (operation["security"] as? [Any])?.isEmpty == true ? "none" : "API key or session",
                    "parameters": parameters,
                    "has_parameters": !parameters.isEmpty,
                    "responses": responses,
                ]
            }
        }
    }

    package init(pages: PageRenderer) {
        self.pages = pages
    }
}
