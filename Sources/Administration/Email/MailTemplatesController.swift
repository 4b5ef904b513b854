import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Editing the mail templates (`/admin/email-templates`, `/api/v1/email-templates`): admins only.
package struct MailTemplatesController {
    package let templates: MailTemplates
    package let pages: PageRenderer

    package struct EditForm: Decodable {
        package let text: String?
        package let html: String?
        /// `preview` renders without storing; anything else saves.
        package let intent: String?

        /// The parts, refused before anything else when one is too long.
        func parts() throws -> (text: String, html: String) {
            let (text, html) = (self.text ?? "", self.html ?? "")
            try InputCheck.length(text, field: "text", limit: EmailTemplate.maxLength)
            try InputCheck.length(html, field: "html", limit: EmailTemplate.maxLength)
            return (text, html)
        }
    }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/email-templates", .admin, .listMailTemplates) { _, _ in
            ItemList(items: try await templates.all())
        }
        routes.get("/api/v1/email-templates/{name}", .admin, .mailTemplate) { _, context in
            try await templates.template(try templateName(context))
        }
        routes.patch("/api/v1/email-templates/{name}", .admin, .changeMailTemplate) { request, context in
            let (text, html) = try await request.decode(as: EditForm.self, context: context).parts()
            return try await templates.save(
                try templateName(context), text: text, html: html, context: context.eventContext)
        }
        routes.delete("/api/v1/email-templates/{name}", .admin, .resetMailTemplate) { _, context in
            try await templates.reset(try templateName(context), context: context.eventContext)
        }
        routes.post("/api/v1/email-templates/{name}/preview", .admin, .previewMailTemplate) { request, context in
            let (text, html) = try await request.decode(as: EditForm.self, context: context).parts()
            return try templates.preview(try templateName(context), text: text, html: html)
        }
        routes.get("/admin/email-templates", .admin) { request, context in
            pages.page(
                "administration/email-templates", title: "Mail templates", section: "system", request: request,
                context: context,
                model: ListPage(
                    templates: try await templates.all().map {
                        ListPage.Row(name: $0.name, title: $0.title, purpose: $0.purpose, customised: $0.customised)
                    }))
        }
        routes.get("/admin/email-templates/{name}", .admin) { request, context in
            let template = try await templates.template(try templateName(context))
            return editor(request, context, template, text: template.text, html: template.html)
        }
        routes.post("/admin/email-templates/{name}", .admin) { request, context in
            let name = try templateName(context)
            let form = try await request.decode(as: EditForm.self, context: context)
            let template = try await templates.template(name)
            let (text, html) = (form.text ?? "", form.html ?? "")
            do {
                _ = try form.parts()
                if form.intent == "preview" {
                    return editor(
                        request, context, template, text: text, html: html,
                        preview: try templates.preview(name, text: text, html: html))
                }
                _ = try await templates.save(name, text: text, html: html, context: context.eventContext)
            } catch let error as APIError where error.status == .unprocessableContent {
                return editor(request, context, template, text: text, html: html, error: error)
            }
            return Flash(kind: .success, message: "\(template.title) saved: mail sent from now on uses it.")
                .redirect(to: "/admin/email-templates/\(name)")
        }
        routes.post("/admin/email-templates/{name}/reset", .admin) { _, context in
            let template = try await templates.reset(try templateName(context), context: context.eventContext)
            return Flash(kind: .success, message: "\(template.title) is the default again.")
                .redirect(to: "/admin/email-templates/\(template.name)")
        }
    }

    private func templateName(_ context: AppRequestContext) throws -> String {
        try MailTemplates.entry(context.parameters.get("name") ?? "").name
    }

    private func editor(
        _ request: Request, _ context: AppRequestContext, _ template: MailTemplates.Template, text: String,
        html: String, preview: MailTemplates.Preview? = nil, error: APIError? = nil
    ) -> Response {
        pages.page(
            "administration/email-template", title: "Mail template: \(template.title)", section: "system",
            request: request, context: context,
            model: EditorPage(
                name: template.name, purpose: template.purpose, customised: template.customised,
                updated: template.updatedAt.map { "\(pages.time.text($0)) by \(template.updatedBy ?? "")" },
                text: text, html: html, preview: preview, error: error?.message, field: error?.field),
            status: error?.httpStatus ?? .ok)
    }

    /// `email-templates.mustache`.
    struct ListPage: Encodable {
        struct Row: Encodable {
            let name: String
            let title: String
            let purpose: String
            let customised: Bool
        }
        let templates: [Row]
    }

    /// `email-template.mustache`: the editor, with the preview when one was asked for.
    struct EditorPage: Encodable {
        let name: String
        let purpose: String
        let customised: Bool
        let updated: String?
        let text: String
        let html: String
        let preview: MailTemplates.Preview?
        let error: String?
        let field: String?
    }

    package init(templates: MailTemplates, pages: PageRenderer) {
        self.templates = templates
        self.pages = pages
    }
}
