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

    package var id: Int64?
    package var tokenHash: String
    package var userId: Int64
    package var createdBy: Int64?
    package var createdAt: Date
    package var expiresAt: Date
    package var usedAt: Date?
}

extension UserStore {
    /// A reset link token for `userID`, issued by an admin; valid 30 minutes, once.
    package func issueReset(userID: Int64, by actor: Principal, event: EventContext) async throws -> (String, Date) {
        let token = Secrets.token()
        let now = Date()
        let expires = now.addingTimeInterval(PasswordReset.lifetime)
        try await database.write { db in
            guard let user = try User.fetchOne(db, key: userID) else { throw APIError.notFound("No such user.") }
            // Only the newest link works: one sent earlier, perhaps to the wrong place, stops working.
            try PasswordReset.filter(Column("user_id") == userID && Column("used_at") == nil)
                .updateAll(db, Column("used_at").set(to: now))
            var reset = PasswordReset(
                tokenHash: Secrets.hash(token), userId: userID, createdBy: actor.userID, createdAt: now,
                expiresAt: expires)
            try reset.insert(db)
            try SecurityEvent.record(
                db, kind: .passwordReset, user: user, event: event,
                detail: "reset link issued by \(actor.logDescription)")
        }
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
            throw APIError.notFound("This reset link is invalid, used or expired. Ask an administrator for a new one.")
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
