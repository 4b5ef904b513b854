import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The mail templates an admin may edit: each embedded `email-*` template, with what it is for and
/// the mail whose sample previews it. A version is stored only when saved; "reset to default"
/// deletes it. Every save and reset is audited with the text before and after.
package struct MailTemplates: Sendable {
    package let database: AppDatabase

    /// One editable template, previewed with its mail's sample.
    package struct Entry: Sendable {
        package let name: String
        package let title: String
        package let purpose: String
        /// The template rendered with the sample of the mail it sends, `field` naming the part.
        package let render: @Sendable (_ source: String, _ field: String) throws -> String

        init<Mail: MailModel>(_ mail: Mail.Type, title: String, purpose: String) {
            (name, self.title, self.purpose) = (Mail.template, title, purpose)
            render = { source, field in try EmailTemplate.render(source, field: field, mail: Mail.sample) }
        }
    }

    package static let catalog: [Entry] = [
        Entry(
            WelcomeMail.self, title: "Welcome",
            purpose: "To a person an admin gave an account (needs lab.public_url)."),
        Entry(
            PasswordResetMail.self, title: "Password reset",
            purpose: "The link a person asked for with \"Forgot password?\"."),
        Entry(
            ResultsReadyMail.self, title: "Results ready",
            purpose: "To a customer when an order's results are verified: with a link, or the report attached."),
        Entry(
            InvoiceMail.self, title: "Invoice",
            purpose: "An issued invoice or credit note, with the invoice and its e-invoice XML attached."),
        Entry(
            ReminderMail.self, title: "Payment reminder", purpose: "A dunning level's letter about an overdue invoice."),
        Entry(StatementMail.self, title: "Statement of account", purpose: "A customer's statement of a period."),
        Entry(
            ScheduledReportMail.self, title: "Scheduled report",
            purpose: "A saved report sent on its schedule, with the full report attached as CSV and HTML."),
        Entry(
            NotificationMail.self, title: "Staff notification",
            purpose: "Reminders and security alerts to lab staff."),
    ]

    package static func entry(_ name: String) throws -> Entry {
        guard let entry = catalog.first(where: { $0.name == name }) else {
            throw APIError.notFound("No mail template is called \(name).")
        }
        return entry
    }

    /// A template as the editor and the API show it: what is used now, and the default beside it.
    package struct Template: Encodable, Sendable, ResponseEncodable {
        package let name: String
        package let title: String
        package let purpose: String
        package let customised: Bool
        package let text: String
        package let html: String
        package let defaultText: String
        package let defaultHtml: String
        package let updatedAt: Date?
        package let updatedBy: String?

        package enum CodingKeys: String, CodingKey {
            case name, title, purpose, customised, text, html
            case defaultText = "default_text"
            case defaultHtml = "default_html"
            case updatedAt = "updated_at"
            case updatedBy = "updated_by"
        }
    }

    package func all() async throws -> [Template] {
        let stored = try await database.read { try EmailTemplate.fetchAll($0) }
        return Self.catalog.map { entry in Self.template(entry, stored: stored.first { $0.name == entry.name }) }
    }

    package func template(_ name: String) async throws -> Template {
        let entry = try Self.entry(name)
        return Self.template(entry, stored: try await database.read { try EmailTemplate.fetchOne($0, key: name) })
    }

    private static func template(_ entry: Entry, stored: EmailTemplate?) -> Template {
        let defaults = EmailTemplate.defaults(entry.name) ?? ("", "")
        return Template(
            name: entry.name, title: entry.title, purpose: entry.purpose, customised: stored != nil,
            text: stored?.textBody ?? defaults.text, html: stored?.htmlBody ?? defaults.html,
            defaultText: defaults.text, defaultHtml: defaults.html, updatedAt: stored?.updatedAt,
            updatedBy: stored?.updatedBy)
    }

    /// The text and HTML an edit would send, rendered from the sample values; invalid Mustache is
    /// a 422 naming the part (`text` or `html`) and where it is wrong.
    package struct Preview: Encodable, Sendable, Equatable, ResponseEncodable {
        package let text: String
        package let html: String
    }

    package func preview(_ name: String, text: String, html: String) throws -> Preview {
        let entry = try Self.entry(name)
        return Preview(text: try entry.render(text, "text"), html: try entry.render(html, "html"))
    }

    /// Stores the admin's version after checking both parts parse; nothing is stored otherwise.
    package func save(_ name: String, text: String, html: String, context: EventContext) async throws -> Template {
        let entry = try Self.entry(name)
        _ = try preview(name, text: text, html: html)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.validationFailed("The plain-text part cannot be empty: every mail has one.", field: "text")
        }
        let stored = try await database.write(context) { write in
            let previous = try EmailTemplate.fetchOne(write.db, key: name)
            let defaults = EmailTemplate.defaults(name) ?? ("", "")
            let template = EmailTemplate(
                name: name, textBody: text, htmlBody: html, updatedAt: Date(), updatedBy: context.actorName)
            try template.save(write.db)
            try write.log(
                "email_template.update", entityType: "email_template", entityID: name,
                before: Self.snapshot(previous?.textBody ?? defaults.text, previous?.htmlBody ?? defaults.html),
                after: Self.snapshot(text, html))
            return template
        }
        return Self.template(entry, stored: stored)
    }

    /// Deletes the admin's version: the embedded default is used again.
    package func reset(_ name: String, context: EventContext) async throws -> Template {
        let entry = try Self.entry(name)
        try await database.write(context) { write in
            guard let previous = try EmailTemplate.fetchOne(write.db, key: name) else { return }
            try previous.delete(write.db)
            let defaults = EmailTemplate.defaults(name) ?? ("", "")
            try write.log(
                "email_template.reset", entityType: "email_template", entityID: name,
                before: Self.snapshot(previous.textBody, previous.htmlBody),
                after: Self.snapshot(defaults.text, defaults.html))
        }
        return Self.template(entry, stored: nil)
    }

    private static func snapshot(_ text: String, _ html: String) -> String {
        AuditValue.encode(["text": .text(text), "html": .text(html)])
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
