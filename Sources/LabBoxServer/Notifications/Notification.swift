import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// An in-app notification for one user: job completions, reminders, security alerts, tasks
/// assigned or falling due, and mentions in comments.
package struct Notification: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord,
    ResponseEncodable
{
    package static let databaseTableName = "notifications"

    package enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case job, reminder, security, task, mention

        /// Sent by email as well: what matters when nobody is looking at LabBox.
        var isEmailed: Bool { self != .job }
    }

    package var id: Int64?
    package var userId: Int64
    package var kind: Kind
    package var title: String
    package var body: String
    package var link: String?
    package var createdAt: Date
    package var readAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, title, body, link
        case userId = "user_id"
        case createdAt = "created_at"
        case readAt = "read_at"
    }

    /// Notifies `users` inside the caller's transaction. All but job notices are also emailed
    /// (queued in the outbox, sent later), since they matter when nobody is looking at LabBox.
    package static func post(
        _ db: Database, to users: [User], kind: Kind, title: String, body: String = "", link: String? = nil
    ) throws {
        let now = Date()
        for user in users {
            guard let userID = user.id else { continue }
            var notification = Notification(
                userId: userID, kind: kind, title: title, body: body, link: link, createdAt: now)
            try notification.insert(db)
            if kind.isEmailed {
                try EmailMessage.queue(
                    db, to: user.email,
                    mail: NotificationMail(name: user.displayName, title: title, body: body, link: link ?? ""),
                    subject: title)
            }
        }
    }

    /// A reminder about `link` to lab staff, unless one went out in the last 20 hours: daily
    /// schedules remind once a day, however often they run. Whether it was sent.
    @discardableResult
    package static func remindDaily(_ db: Database, link: String, title: String, body: String, now: Date) throws -> Bool
    {
        let remindedToday = try !filter(
            CodingKeys.link == link && CodingKeys.kind == Kind.reminder
                && CodingKeys.createdAt > now.addingTimeInterval(-20 * 3600)
        ).isEmpty(db)
        guard !remindedToday else { return false }
        try post(
            db, to: try users(db, roles: [.admin, .director, .technician]), kind: .reminder, title: title, body: body,
            link: link)
        return true
    }

    /// Active users holding one of `roles`.
    package static func users(_ db: Database, roles: [Role]) throws -> [User] {
        try User.filter(roles.map(\.rawValue).contains(Column("role")) && Column("status") == "active").fetchAll(db)
    }

    /// Tells the person who started a job how it ended; a scheduled job that failed goes to the admins.
    package static func jobFinished(_ db: Database, job: Job, title: String) throws {
        let link = "/jobs/\(job.id ?? 0)"
        let outcome =
            switch job.state {
            case .succeeded: "finished"
            case .failed: "failed"
            case .cancelled: "was cancelled"
            default: "was interrupted"
            }
        if let userID = job.userId, let user = try User.fetchOne(db, key: userID) {
            try post(
                db, to: [user], kind: .job, title: "\(title) \(outcome)", body: job.error ?? job.message, link: link)
        } else if job.state != .succeeded {
            try post(
                db, to: try users(db, roles: [.admin]), kind: .security,
                title: "Scheduled \(title.lowercased()) \(outcome)", body: job.error ?? job.message, link: link)
        }
    }

    package static func unreadCount(_ db: Database, userID: Int64) throws -> Int {
        try Notification.filter(CodingKeys.userId == userID && CodingKeys.readAt == nil).fetchCount(db)
    }
}
