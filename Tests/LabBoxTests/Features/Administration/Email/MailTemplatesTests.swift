import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Admins edit the mail templates: a stored version replaces the embedded one until reset; bad
/// Mustache is refused with where it is wrong, and nothing is stored.
@Suite struct MailTemplatesTests {
    private func outbox(_ server: TestServer) async throws -> [EmailMessage] {
        try await server.services.database.read { try EmailMessage.order(Column("id")).fetchAll($0) }
    }

    @Test func anEditedTemplateIsUsedUntilResetToTheDefault() async throws {
        let server = try TestServer { $0.publicURL = "https://labbox.clinic.example" }
        let admin = try await server.apiKey(["admin"])
        _ = try await server.user(.technician)
        try await server.test { client in
            let list = try await client.send(.get, "/api/v1/email-templates", auth: admin)
            let items = try #require(try list.json()["items"] as? [[String: Any]])
            #expect(
                items.compactMap { $0["name"] as? String } == [
                    "email-welcome", "email-password-reset", "email-results-ready", "email-invoice", "email-reminder",
                    "email-statement", "email-report", "email-notification",
                ])
            #expect(
                items.allSatisfy { $0["customised"] as? Bool == false && ($0["text"] as? String)?.isEmpty == false })

            let saved = try await client.send(
                .patch, "/api/v1/email-templates/email-password-reset", auth: admin,
                json: ["text": "Hi {{{name}}}, choose a password: {{{link}}}", "html": ""])
            #expect(saved.status == .ok)
            #expect(try saved.json()["customised"] as? Bool == true)
            _ = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "technician@lab.example"])
            let custom = try #require(try await outbox(server).last)
            #expect(
                custom.body.hasPrefix("Hi Technician, choose a password: https://labbox.clinic.example/reset?token="))
            #expect(custom.html.isEmpty)

            let reset = try await client.send(.delete, "/api/v1/email-templates/email-password-reset", auth: admin)
            #expect(try reset.json()["customised"] as? Bool == false)
            _ = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "technician@lab.example"])
            let standard = try #require(try await outbox(server).last)
            #expect(standard.body.contains("someone (we hope you) asked"))
            #expect(!standard.html.isEmpty)
        }
        let actions = try await server.auditEvents().map(\.action)
        #expect(actions.contains("email_template.update") && actions.contains("email_template.reset"))
    }

    @Test func invalidMustacheIsRefusedWithWhereAndNothingIsStored() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let session = try await server.signIn(.admin)
        try await server.test { client in
            let badText = try await client.send(
                .patch, "/api/v1/email-templates/email-invoice", auth: admin,
                json: ["text": "Hello {{buyer}},\n{{#is_invoice}}pay soon", "html": ""])
            #expect(badText.status == .unprocessableContent)
            let error = try badText.apiError()
            #expect(error["field"] as? String == "text")
            #expect((error["message"] as? String)?.contains("Not valid Mustache on line") == true)
            let badHTML = try await client.send(
                .patch, "/api/v1/email-templates/email-invoice", auth: admin,
                json: ["text": "Hello {{buyer}}", "html": "<p>{{#a}}x{{/b}}</p>"])
            #expect(badHTML.status == .unprocessableContent)
            #expect(try badHTML.apiError()["field"] as? String == "html")
            let form = try await client.sendForm(
                "/admin/email-templates/email-invoice", session: session,
                ["text": "Hello {{buyer", "html": "", "intent": "save"])
            #expect(form.status == .unprocessableContent)
            #expect(form.text.contains("Not valid Mustache") && form.text.contains("Hello {{buyer"))
            let unknown = try await client.send(.get, "/api/v1/email-templates/email-nothing", auth: admin)
            #expect(unknown.status == .notFound)
            let current = try await client.send(.get, "/api/v1/email-templates/email-invoice", auth: admin)
            #expect(try current.json()["customised"] as? Bool == false)
        }
        #expect(try await server.services.database.read { try EmailTemplate.fetchCount($0) } == 0)
        #expect(!(try await server.auditEvents().contains { $0.action.hasPrefix("email_template") }))
    }

    @Test func aPreviewRendersSampleDataAndStoresNothing() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let session = try await server.signIn(.admin)
        try await server.test { client in
            let preview = try await client.send(
                .post, "/api/v1/email-templates/email-results-ready/preview", auth: admin,
                json: ["text": "Order {{order}} for {{customer}}", "html": "<p>{{customer}} & co</p>"])
            #expect(preview.status == .ok)
            #expect(try preview.json()["text"] as? String == "Order 1042 for Green Farm")
            #expect(try preview.json()["html"] as? String == "<p>Green Farm & co</p>")
            let page = try await client.sendForm(
                "/admin/email-templates/email-results-ready", session: session,
                ["text": "Order {{order}} is ready", "html": "<p>Hi</p>", "intent": "preview"])
            #expect(page.status == .ok)
            #expect(page.text.contains("Order 1042 is ready") && page.text.contains("sandbox=\"\""))
            let editor = try await client.execute(
                uri: "/admin/email-templates/email-results-ready", method: .get, headers: session.headers)
            #expect(editor.status == .ok && !editor.text.contains("Reset to default"))
        }
        #expect(try await server.services.database.read { try EmailTemplate.fetchCount($0) } == 0)
    }
}
