import Embedded
import Foundation
import GRDB
import LabBoxValues
import Mustache

/// An email in the outbox: rendered from a template when queued, delivered later by
/// ``OutboxSender`` so that no request ever waits for a mail server.
package struct EmailMessage: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "email_outbox"

    /// `dead`: gave up after ``OutboxSender/maxAttempts``; the admin sees it with its last error.
    package enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case queued, sent, dead
    }

    package var id: Int64?
    package var recipient: String
    package var subject: String
    package var body: String
    /// The HTML alternative of `body`; empty for a plain-text message.
    package var html = ""
    package var attachments: [Attachment] = []
    package var state: State
    package var attempts: Int
    package var nextAttemptAt: Date
    package var lastError: String?
    package var createdAt: Date
    package var sentAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, recipient, subject, body, html, attachments, state, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case createdAt = "created_at"
        case sentAt = "sent_at"
    }

    /// A file sent with the message (stored as JSON in the outbox row, its bytes base64).
    package struct Attachment: Codable, Sendable, Equatable {
        package var filename: String
        package var contentType: String
        package var content: Data

        package enum CodingKeys: String, CodingKey {
            case filename, content
            case contentType = "content_type"
        }

        package init(filename: String, contentType: String, content: Data) {
            (self.filename, self.contentType, self.content) = (filename, contentType, content)
        }
    }

    /// Email bodies are plain text from `Resources/templates/<template>.mustache`; where a
    /// `<template>.html.mustache` exists too, the message also has that HTML alternative. An admin
    /// may replace both (``EmailTemplate``).
    private static let templates: MustacheLibrary = {
        var library = MustacheLibrary()
        for path in EmbeddedFiles.paths(under: "templates/email-") where path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            try? library.register(EmbeddedFiles.text(path) ?? "", named: name)
        }
        return library
    }()

    /// Renders `mail` with its template and queues it inside the caller's transaction. Header values never carry a
    /// line break (an animal's name in a subject must not add a `Bcc:`): a recipient with one is
    /// refused, a subject's control characters become spaces.
    package static func queue(
        _ db: Database, to recipient: String, mail: some MailModel, subject: String, attachments: [Attachment] = []
    ) throws {
        guard
            !recipient.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control || "<>".unicodeScalars.contains($0)
            })
        else {
            throw APIError.validationFailed(
                "An email address cannot hold line breaks or angle brackets.", field: "email")
        }
        let subject = String(
            String.UnicodeScalarView(
                subject.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }
            ).prefix(200))
        let now = Date()
        let (body, html) = try render(db, mail)
        var message = EmailMessage(
            recipient: recipient, subject: subject, body: body ?? subject, html: html ?? "", attachments: attachments,
            state: .queued, attempts: 0, nextAttemptAt: now, createdAt: now)
        try message.insert(db)
    }

    /// `mail` rendered with its template: the admin's version (``EmailTemplate``) where there is
    /// one, else the embedded one; the HTML is nil when there is none.
    package static func render<Mail: MailModel>(_ db: Database, _ mail: Mail) throws -> (String?, String?) {
        let template = Mail.template
        let values = TemplateValues.of(mail)
        guard let custom = try EmailTemplate.fetchOne(db, key: template) else {
            return (
                templates.render(values, withTemplate: template),
                templates.render(values, withTemplate: template + ".html")
            )
        }
        // A stored version was parsed when it was saved; parsing cannot fail here.
        let text = try? MustacheTemplate(string: custom.textBody).render(values)
        let html = custom.htmlBody.isEmpty ? nil : try? MustacheTemplate(string: custom.htmlBody).render(values)
        return (text, html)
    }

    package init(
        id: Int64? = nil, recipient: String, subject: String, body: String, html: String = "",
        attachments: [Attachment] = [], state: State, attempts: Int, nextAttemptAt: Date, lastError: String? = nil,
        createdAt: Date, sentAt: Date? = nil
    ) {
        self.id = id
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.html = html
        self.attachments = attachments
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}
