import Embedded
import Foundation
import GRDB
import Mustache

/// An email in the outbox: rendered from a template when queued, delivered later by
/// ``OutboxSender`` so that no request ever waits for a mail server.
struct EmailMessage: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "email_outbox"

    /// `dead`: gave up after ``OutboxSender/maxAttempts``; the admin sees it with its last error.
    enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case queued, sent, dead
    }

    var id: Int64?
    var recipient: String
    var subject: String
    var body: String
    var state: State
    var attempts: Int
    var nextAttemptAt: Date
    var lastError: String?
    var createdAt: Date
    var sentAt: Date?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, recipient, subject, body, state, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case createdAt = "created_at"
        case sentAt = "sent_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Email bodies are plain text from `Resources/templates/<template>.mustache`.
    private static let templates: MustacheLibrary = {
        var library = MustacheLibrary()
        for path in EmbeddedFiles.paths(under: "templates/email-") where path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            try? library.register(EmbeddedFiles.text(path) ?? "", named: name)
        }
        return library
    }()

    /// Renders and queues a message inside the caller's transaction.
    static func queue(_ db: Database, to recipient: String, template: String, values: [String: Any], subject: String)
        throws
    {
        let now = Date()
        var message = EmailMessage(
            recipient: recipient, subject: subject,
            body: templates.render(values, withTemplate: template) ?? subject, state: .queued, attempts: 0,
            nextAttemptAt: now, createdAt: now)
        try message.insert(db)
    }
}
