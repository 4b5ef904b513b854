import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

package struct PasswordReset: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "password_resets"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id
        case tokenHash = "token_hash"
        case userId = "user_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
    }
    package static let lifetime: TimeInterval = 30 * 60
    package static let gone = APIError.notFound(
        "This reset link is invalid, used or expired. Ask for a new one with \"Forgot password?\" on the sign-in page.")

    package var id: Int64?
    package var tokenHash: String
    package var userId: Int64
    package var createdBy: Int64?
    package var createdAt: Date
    package var expiresAt: Date
    package var usedAt: Date?
}

/// What mail about an account (welcome, reset) needs beside the account: where links point, the
/// lab's name and how times read.
package struct AccountMail: Sendable {
    package let linkBase: String
    package let labName: String
    package let time: LabTime

    package init(linkBase: String, labName: String, time: LabTime) {
        (self.linkBase, self.labName, self.time) = (linkBase, labName, time)
    }
}

extension UserStore {
    /// A reset link token for `userID`, issued by an admin; valid 30 minutes, once.
    package func issueReset(userID: Int64, by actor: Principal, event: EventContext) async throws -> (String, Date) {
        try await database.write { db in
            guard let user = try User.fetchOne(db, key: userID) else { throw APIError.notFound("No such user.") }
            let issued = try Self.insertReset(db, userID: userID, by: actor.userID)
            try SecurityEvent.record(
                db, kind: .passwordReset, user: user, event: event,
                detail: "reset link issued by \(actor.logDescription)")
            return issued
        }
    }

    /// A reset link the person asked for ("Forgot password?"), emailed to an active account in the
    /// transaction that records the request. The caller answers the same whatever happened here:
    /// an unknown or disabled account is recorded as a security event and gets no mail.
    package func requestReset(email: String, mail: AccountMail, event: EventContext) async throws {
        try await database.write { db in
            guard let user = try User.filter(Column("email") == email).fetchOne(db), user.status == .active else {
                try SecurityEvent.record(
                    db, kind: .passwordResetRequested, user: nil, email: email, event: event,
                    detail: "reset requested for an unknown or disabled account; nothing sent")
                return
            }
            let (token, expires) = try Self.insertReset(db, userID: user.id ?? 0, by: nil)
            try EmailMessage.queue(
                db, to: user.email,
                mail: PasswordResetMail(
                    name: user.displayName, email: user.email, lab: mail.labName,
                    link: "\(mail.linkBase)/reset?token=\(token)", expires: mail.time.text(expires),
                    minutes: Int(PasswordReset.lifetime / 60)),
                subject: "Reset your LabBox password")
            try SecurityEvent.record(
                db, kind: .passwordResetRequested, user: user, event: event, detail: "reset link emailed")
        }
    }

    /// Stores a new reset token for `userID` (only its hash) and retires the user's earlier ones.
    private static func insertReset(_ db: Database, userID: Int64, by creator: Int64?) throws -> (String, Date) {
        let token = Secrets.token()
        let now = Date()
        let expires = now.addingTimeInterval(PasswordReset.lifetime)
        // Only the newest link works: one sent earlier, perhaps to the wrong place, stops working.
        try PasswordReset.filter(Column("user_id") == userID && Column("used_at") == nil)
            .updateAll(db, Column("used_at").set(to: now))
        var reset = PasswordReset(
            tokenHash: Secrets.hash(token), userId: userID, createdBy: creator, createdAt: now, expiresAt: expires)
        try reset.insert(db)
        return (token, expires)
    }

    /// The user a live reset token belongs to, or nil.
    package func resetUser(token: String) async throws -> User? {
        let hash = Secrets.hash(token)
        let now = Date()
        return try await database.read { db in
            guard let reset = try PasswordReset.filter(Column("token_hash") == hash).fetchOne(db),
                reset.usedAt == nil, reset.expiresAt > now
            else { return nil }
            return try User.fetchOne(db, key: reset.userId)
        }
    }

    /// Uses a reset token: sets the password (which ends all sessions and refresh tokens).
    package func completeReset(token: String, password: String, event: EventContext) async throws -> User {
        guard let user = try await resetUser(token: token) else {
            throw PasswordReset.gone
        }
        if let problem = PasswordPolicy.problem(with: password, email: user.email) {
            throw APIError.validationFailed(problem, field: "password")
        }
        let hash = Secrets.hash(token)
        let claimed = try await database.write { db in
            try PasswordReset.filter(Column("token_hash") == hash && Column("used_at") == nil)
                .updateAll(db, Column("used_at").set(to: Date()))
        }
        guard claimed == 1 else { throw APIError.notFound("This reset link was just used.") }
        return try await setPassword(email: user.email, password: password, event: event)
    }

    /// A signed-in user's own change: the current password is required even inside a session.
    package func changePassword(userID: Int64, current: String, new: String, event: EventContext) async throws {
        guard let user = try await user(id: userID), try await verifyPassword(current, of: user) else {
            throw APIError.validationFailed("The current password is not correct.", field: "current_password")
        }
        _ = try await setPassword(email: user.email, password: new, event: event)
    }
}
