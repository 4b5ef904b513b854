import Foundation
import Hummingbird
import Synchronization

/// Serves the OpenAPI 3.1 document of the JSON API and a readable reference page of the same
/// operations.
///
/// Both are built from the route declarations (``RouteTable``), so they describe exactly the
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
            // The reference is the same for everyone while the server runs (half a megabyte of
            // HTML, 60 ms to render), so it is rendered once, on first use: the table is complete
            // only once every feature has declared its routes.
            let reference = rendered.html.withLock { html in
                if let html { return html }
                let made = pages.document(
                    "docs-operations", model: DocsPage(operations: Self.operations(routes.routes)))
                html = made
                return made
            }
            return pages.page(
                "docs", title: "API reference", section: "docs", request: request, context: context,
                model: ["operations": reference])
        }
    }

    /// The operations' part of the reference page, once rendered.
    private let rendered = Rendered()

    private final class Rendered: Sendable {
        let html = Mutex<String?>(nil)
    }

    /// `docs-operations.mustache`: the operations of `docs.mustache`.
    struct DocsPage: Encodable {
        struct Operation: Encodable {
            let method: String
            let path: String
            let anchor: String
            let summary: String
            let description: String
            let security: String
            let parameters: [Parameter]
            let hasParameters: Bool
            let responses: [Response]
        }
        struct Parameter: Encodable {
            let name: String
            let `in`: String
            let required: Bool
            let description: String
        }
        struct Response: Encodable {
            let status: Int
            let description: String
        }
        let operations: [Operation]
    }

    /// The documented routes by path, then by method in the order get, post, put, patch, delete.
    private static func operations(_ routes: [RouteTable.Route]) -> [DocsPage.Operation] {
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        func order(_ route: RouteTable.Route) -> (String, Int) {
            (route.path, methods.firstIndex(of: route.method) ?? methods.count)
        }
        return routes.sorted { order($0) < order($1) }.compactMap { route in
            guard let operation = route.operation else { return nil }
            let method = route.method.rawValue.lowercased()
            let parameters = operation.parameters.map { parameter in
                DocsPage.Parameter(
                    name: parameter.name, in: parameter.location.rawValue, required: parameter.required,
                    description: parameter.description)
            }
            return DocsPage.Operation(
                method: method.uppercased(), path: route.path,
                anchor: "\(method)-\(route.path)".replacingOccurrences(of: "/", with: "-"), summary: operation.summary,
                description: OpenAPIDocument.describe(operation.description, permission: route.permission),
                security: route.permission == .anonymous ? "none" : "API key or session", parameters: parameters,
                hasParameters: !parameters.isEmpty,
                responses: OpenAPIDocument.responses(operation, path: route.path, permission: route.permission).map {
                    DocsPage.Response(status: $0.status, description: $0.response.description)
                })
        }
    }

    package init(pages: PageRenderer) {
        self.pages = pages
    }
}
