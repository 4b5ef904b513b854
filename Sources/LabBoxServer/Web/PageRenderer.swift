import Embedded
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxValues
import Mustache

/// Renders the server-side HTML pages from the Mustache templates in `Resources/templates`.
///
/// Pages extend `layout.mustache` through Mustache inheritance (`{{<layout}}…{{/layout}}`); the
/// layout receives the common values (version, asset URLs, navigation) merged with the page's own.
package struct PageRenderer: Sendable {
    package let library: MustacheLibrary
    package let assets: StaticAssets

    package init(assets: StaticAssets) throws {
        var library = MustacheLibrary()
        for path in EmbeddedFiles.paths(under: "templates/") where path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            try library.register(EmbeddedFiles.text(path) ?? "", named: name)
        }
        self.library = library
        self.assets = assets
    }

    /// The page named `template` as an HTML response for the request's principal, showing and then
    /// clearing the request's pending ``Flash`` message.
    package func page(
        _ template: String, title: String, section: String, request: Request, context: AppRequestContext,
        values: [String: Any] = [:], status: HTTPResponse.Status = .ok
    ) -> Response {
        var values = values
        let flash = Flash.pending(in: request)
        if let flash { values["flash"] = ["kind": flash.kind.rawValue, "message": flash.message] }
        let html = render(template, title: title, section: section, principal: context.principal, values: values)
        var response = Self.response(html, status: status)
        if request.cookies[Flash.cookieName] != nil { response.setCookie(Flash.clearing) }
        return response
    }

    package static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page named `template`, inside the layout, with `title` in the tab and heading and the
    /// navigation the principal may use.
    package func render(
        _ template: String, title: String, section: String, principal: Principal?, values: [String: Any] = [:]
    ) -> String {
        var context: [String: Any] = [
            "title": title,
            "version": BuildInfo.version,
            "css": assets.url(for: "app.css"),
            "js": assets.url(for: "app.js"),
            "icon": assets.url(for: "icon.svg"),
            "nav": principal.map { principal in
                Self.navigation.filter { principal.can($0.permission) }.map { item in
                    ["href": item.href, "label": item.label, "current": item.section == section]
                }
            } ?? [],
        ]
        if let principal {
            var user: [String: Any] = ["name": principal.displayName, "role": principal.role?.label ?? "API key"]
            if case .session(_, let csrf) = principal.credential { user["csrf"] = csrf }
            context["user"] = user
        }
        // A key whose value is an empty optional must be absent, or Mustache renders "nil" and
        // treats the section as set.
        context.merge(values.filter { !Self.isEmptyOptional($0.value) }) { _, page in page }
        return library.render(context, withTemplate: template) ?? "template \(template) is missing"
    }

    package func errorPage(_ error: APIError, request: Request, context: AppRequestContext) -> Response {
        page(
            "error", title: Self.errorTitle(error.status.code), section: "", request: request, context: context,
            values: [
                "status": error.status.code,
                "message": error.message,
                "request_id": context.requestID,
                "is_server_error": error.status.code >= 500,
            ],
            status: error.httpStatus)
    }

    /// `values` without empty strings and empty optionals, for nested values that templates test
    /// with a section: this Mustache renders `{{#x}}` for "" too.
    package static func present(_ values: [String: Any]) -> [String: Any] {
        values.filter { !isEmptyOptional($0.value) && ($0.value as? String)?.isEmpty != true }
    }

    private static func isEmptyOptional(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .optional && mirror.children.isEmpty
    }

    private static func errorTitle(_ code: Int) -> String {
        switch code {
        case 403: "Not allowed"
        case 404: "Page not found"
        case 429: "Too many requests"
        case 400..<500: "Please check your input"
        default: "Something went wrong"
        }
    }

    private static let navigation: [(href: String, label: String, section: String, permission: Permission)] = [
        ("/", "Home", "home", .signedIn),
        ("/customers", "Customers", "customers", .customersRead),
        ("/animals", "Animals", "animals", .animalsRead),
        ("/samples", "Samples", "samples", .samplesRead),
        ("/storage", "Storage", "storage", .storageRead),
        ("/reproduction", "Reproduction", "reproduction", .reproductionRead),
        ("/results", "Results", "results", .resultsRead),
        ("/genomics", "Genomics", "genomics", .genomicsRead),
        ("/jobs", "Jobs", "jobs", .signedIn),
        ("/admin/users", "Users", "users", .admin),
        ("/admin/health", "System", "system", .admin),
        ("/admin/audit", "Audit trail", "audit", .auditRead),
        ("/admin/security", "Security events", "security", .securityRead),
        ("/docs", "API reference", "docs", .signedIn),
    ]
}
