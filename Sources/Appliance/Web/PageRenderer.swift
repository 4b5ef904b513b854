import Embedded
import Foundation
import Hummingbird
import Mustache

/// Renders the server-side HTML pages from the Mustache templates in `Resources/templates`.
///
/// Pages extend `layout.mustache` through Mustache inheritance (`{{<layout}}…{{/layout}}`); the
/// layout receives the common values (version, asset URLs, navigation) merged with the page's own.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let assets: StaticAssets

    init(assets: StaticAssets) throws {
        var library = MustacheLibrary()
        for path in EmbeddedFiles.paths(under: "templates/") where path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            try library.register(EmbeddedFiles.text(path) ?? "", named: name)
        }
        self.library = library
        self.assets = assets
    }

    /// The page named `template` as an HTML response, showing and then clearing the request's
    /// pending ``Flash`` message.
    func page(
        _ template: String, title: String, section: String, request: Request, values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var values = values
        let flash = Flash.pending(in: request)
        if let flash { values["flash"] = ["kind": flash.kind.rawValue, "message": flash.message] }
        var response = Self.response(render(template, title: title, section: section, values: values), status: status)
        if request.cookies[Flash.cookieName] != nil { response.setCookie(Flash.clearing) }
        return response
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page named `template`, inside the layout, with `title` in the tab and heading.
    func render(_ template: String, title: String, section: String, values: [String: Any] = [:]) -> String {
        var context: [String: Any] = [
            "title": title,
            "version": BuildInfo.version,
            "css": assets.url(for: "app.css"),
            "js": assets.url(for: "app.js"),
            "icon": assets.url(for: "icon.svg"),
            "nav": Self.navigation.map { item in
                ["href": item.href, "label": item.label, "current": item.section == section]
            },
        ]
        context.merge(values) { _, page in page }
        return library.render(context, withTemplate: template) ?? "template \(template) is missing"
    }

    func errorPage(_ error: APIError, request: Request, requestID: String) -> Response {
        page(
            "error", title: error.status.code == 404 ? "Page not found" : "Something went wrong", section: "",
            request: request,
            values: [
                "status": error.status.code,
                "message": error.message,
                "request_id": requestID,
                "is_server_error": error.status.code >= 500,
            ],
            status: error.status)
    }

    private static let navigation: [(href: String, label: String, section: String)] = [
        ("/", "Home", "home"),
        ("/docs", "API reference", "docs"),
    ]
}
