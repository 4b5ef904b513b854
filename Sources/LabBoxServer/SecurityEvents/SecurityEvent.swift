import Foundation
import GRDB
import LabBoxPlatform
import Metrics

package struct SecurityEvent: Codable, Sendable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "security_events"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, email, detail
        case occurredAt = "occurred_at"
        case userId = "user_id"
        case clientIp = "client_ip"
        case requestId = "request_id"
    }

    package enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case loginSucceeded = "login.succeeded"
        case loginFailed = "login.failed"
        case lockout = "login.lockout"
        case logout
        case userCreated = "user.created"
        case roleChanged = "user.role_changed"
        case userDisabled = "user.disabled"
        case userEnabled = "user.enabled"
        case passwordReset = "user.password_reset"
        case passwordResetRequested = "user.password_reset_requested"
        case sessionsRevoked = "session.revoked"
        case keyCreated = "apikey.created"
        case keyRevoked = "apikey.revoked"
        case csrfRejected = "csrf.rejected"
        case tokenReuse = "token.reuse_detected"
        case rateLimited = "rate_limited"
        case ipBlocked = "ip.blocked"
        case ipUnblocked = "ip.unblocked"
        case twoFactorEnabled = "2fa.enabled"
        case twoFactorDisabled = "2fa.disabled"
        case twoFactorFailed = "2fa.failed"

        /// Events that may be an attack in progress, which admins hear about at once (and by mail).
        package var alertsAdmins: Bool { [.lockout, .tokenReuse, .ipBlocked].contains(self) }
    }

    package var id: Int64?
    package var occurredAt: Date
    package var kind: Kind
    package var userId: Int64?
    package var email: String?
    package var clientIp: String
    package var requestId: String
    package var detail: String

    /// Appends an event inside the caller's transaction, so the event and the change it describes
    /// commit together; it joins the audit chain too.
    /// The longest email (RFC 5321) and detail a security event keeps. The rows, and the audit
    /// events beside them, can never be deleted, and some are written for anonymous callers:
    /// whatever reaches here is cut to these bounds, however it got past its route's checks.
    package static let maxEmail = 254
    package static let maxDetail = 500

    package static func record(
        _ db: Database, kind: Kind, user: User?, email: String? = nil, event: EventContext, detail: String
    )
        throws
    {
        let detail = String(detail.prefix(maxDetail))
        var row = SecurityEvent(
            id: nil, occurredAt: Date(), kind: kind, userId: user?.id,
            email: (user?.email ?? email).map {
                String($0.prefix(maxEmail))
            }, clientIp: event.clientIP, requestId: event.requestID, detail: detail)
        try row.insert(db)
        let details = AuditValue.encode([
            "security_event_id": .integer(row.id ?? 0), "email": row.email.map(AuditValue.text) ?? .null,
            "detail": .text(detail),
        ])
        try AuditTrail.append(
            db, event, action: "security.\(kind.rawValue)", entityType: user == nil ? "security_event" : "user",
            entityID: user?.id.map(String.init) ?? String(row.id ?? 0), after: details)
        Counter(label: "labbox_security_events_total", dimensions: [("kind", kind.rawValue)]).increment()
        if kind.alertsAdmins {
            try Notification.post(
                db, to: try Notification.users(db, roles: [.admin]), kind: .security,
                title: "Security alert: \(kind.rawValue)", body: detail, link: "/admin/security?kind=\(kind.rawValue)")
        }
    }
}
