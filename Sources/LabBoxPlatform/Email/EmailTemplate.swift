import Embedded
import Foundation
import GRDB
import LabBoxValues
import Mustache

/// An admin's version of an embedded mail template: when a message is queued its text and HTML
/// replace `Resources/templates/<name>.mustache` and `<name>.html.mustache`. Deleting the row
/// restores the default. An empty `htmlBody` sends plain text only.
package struct EmailTemplate: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "email_templates"
    /// Longest template text kept: far beyond any letter, short enough for an audit event.
    package static let maxLength = 20_000

    package var name: String
    package var textBody: String
    package var htmlBody: String
    package var updatedAt: Date
    package var updatedBy: String

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case name
        case textBody = "text_body"
        case htmlBody = "html_body"
        case updatedAt = "updated_at"
        case updatedBy = "updated_by"
    }

    package init(name: String, textBody: String, htmlBody: String, updatedAt: Date, updatedBy: String) {
        (self.name, self.textBody, self.htmlBody, self.updatedAt, self.updatedBy) =
            (name, textBody, htmlBody, updatedAt, updatedBy)
    }

    /// The embedded default of template `name`: its text and its HTML ("" when it has none).
    package static func defaults(_ name: String) -> (text: String, html: String)? {
        guard let text = EmbeddedFiles.text("templates/\(name).mustache") else { return nil }
        return (text, EmbeddedFiles.text("templates/\(name).html.mustache") ?? "")
    }

    /// `source` rendered with `mail`, or a 422 naming `field` and where the Mustache is wrong.
    package static func render(_ source: String, field: String, mail: some MailModel) throws -> String {
        try parse(source, field: field).render(TemplateValues.of(mail))
    }

    /// `source` parsed, or a 422 naming `field` and where the Mustache is wrong, for people to fix.
    static func parse(_ source: String, field: String) throws -> MustacheTemplate {
        guard source.unicodeScalars.count <= maxLength else {
            throw APIError.validationFailed("A template has at most \(maxLength) characters.", field: field)
        }
        do {
            return try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            let problem =
                switch error.error as? MustacheTemplate.Error {
                case .sectionCloseNameIncorrect: "a section is closed with another name than it was opened with"
                case .expectedSectionEnd: "a section is opened ({{#name}} or {{^name}}) but never closed"
                case .unfinishedName: "a tag is not closed with }}"
                default: "\(error.error)"
                }
            throw APIError.validationFailed(
                "Not valid Mustache on line \(error.context.lineNumber), column \(error.context.columnNumber): "
                    + "\(problem). Near: \(error.context.line.trimmingCharacters(in: .whitespaces).prefix(80))",
                field: field)
        } catch {
            throw APIError.validationFailed("Not valid Mustache: \(error).", field: field)
        }
    }
}
