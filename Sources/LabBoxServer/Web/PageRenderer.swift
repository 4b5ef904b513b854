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
    /// How pages show times: the lab's zone and locale. Controllers format through it, never on their own.
    package let time: LabTime

    package init(assets: StaticAssets, time: LabTime) throws {
        var library = MustacheLibrary()
        for path in EmbeddedFiles.paths(under: "templates/") where path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            try library.register(EmbeddedFiles.text(path) ?? "", named: name)
        }
        self.library = library
        self.assets = assets
        self.time = time
    }

    /// The page named `template` as an HTML response for the request's principal, showing and then
    /// clearing the request's pending ``Flash`` message. `model` holds the page's values: its
    /// properties are the template's keys, in snake_case (`firstPage` is `{{first_page}}`).
    /// `trail` is the breadcrumb trail between the section's page and this one (the tank above a
    /// canister).
    package func page(
        _ template: String, title: String, section: String, request: Request, context: AppRequestContext,
        model: some Encodable = NoValues(), trail: [Navigation.Link] = [], status: HTTPResponse.Status = .ok
    ) -> Response {
        let flash = Flash.pending(in: request)
        let html = render(
            template, title: title, section: section, path: request.uri.path, principal: context.principal,
            flash: flash, model: model, trail: trail)
        var response = Self.response(html, status: status)
        if request.cookies[Flash.cookieName] != nil { response.setCookie(Flash.clearing) }
        return response
    }

    /// The template named `template` on its own, outside the layout: a document that leaves
    /// LabBox (an emailed invoice), which must carry everything it shows.
    package func document(_ template: String, model: some Encodable) -> String {
        library.render(TemplateValues.of(model), withTemplate: template) ?? "template \(template) is missing"
    }

    package static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page named `template`, inside the layout, with `title` in the tab and heading and the
    /// navigation the principal may use.
    private func render(
        _ template: String, title: String, section: String, path: String, principal: Principal?, flash: Flash?,
        model: some Encodable, trail: [Navigation.Link]
    ) -> String {
        let layout = Layout(
            title: title, version: BuildInfo.version, css: assets.url(for: "app.css"),
            js: assets.url(for: "app.js"), icon: assets.url(for: "icon.svg"),
            menu: principal.map { Navigation.menu(for: $0, section: section, path: path, trail: trail) },
            user: principal.map { principal in
                let csrf: String? = if case .session(_, let csrf) = principal.credential { csrf } else { nil }
                return Layout.User(name: principal.displayName, role: principal.role?.label ?? "API key", csrf: csrf)
            },
            flash: flash.map { Layout.Message(kind: $0.kind.rawValue, message: $0.message) })
        var values = TemplateValues.of(layout)
        values.merge(TemplateValues.of(model)) { _, page in page }
        return library.render(values, withTemplate: template) ?? "template \(template) is missing"
    }

    /// What the layout shows around every page.
    private struct Layout: Encodable {
        struct User: Encodable {
            let name: String
            let role: String
            let csrf: String?
        }
        struct Message: Encodable {
            let kind: String
            let message: String
        }
        let title: String
        let version: String
        let css: String
        let js: String
        let icon: String
        let menu: Navigation.Menu?
        let user: User?
        let flash: Message?
    }

    /// The model of a page that shows nothing but the layout.
    package struct NoValues: Encodable {
        package init() {}
    }

    package func errorPage(_ error: APIError, request: Request, context: AppRequestContext) -> Response {
        page(
            "error", title: Self.errorTitle(error.status.code), section: "", request: request, context: context,
            model: ErrorPage(
                status: error.status.code, message: error.message, requestId: context.requestID,
                isServerError: error.status.code >= 500),
            status: error.httpStatus)
    }

    private struct ErrorPage: Encodable {
        let status: Int
        let message: String
        let requestId: String
        let isServerError: Bool
    }

    private static func errorTitle(_ code: Int) -> String {
        switch code {
        case 403: "Not allowed"
        case 404: "Page not found"
        case 410: "This link no longer works"
        case 429: "Too many requests"
        case 400..<500: "Please check your input"
        case 503, 507: "Nothing can be saved right now"
        default: "Something went wrong"
        }
    }
}
