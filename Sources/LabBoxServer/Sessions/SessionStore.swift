import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// Server-side browser sessions. The cookie holds a random token; the database holds its hash.
package struct SessionStore: Sendable {
    package static let cookieName = "labbox_session"

    package let database: AppDatabase
    package let idleTimeout: TimeInterval
    package let lifetime: TimeInterval
    package let requireTwoFactor: Bool

    /// Starts a session and returns the raw token for the cookie.
    package func start(user: User, userAgent: String, event: EventContext) async throws -> String {
        let token = Secrets.token()
        let now = Date()
        // The User-Agent is cut, not refused: a browser sends it unasked and nobody could shorten
        // it; 200 characters name the device on the sessions page.
        let session = Session(
            id: nil, tokenHash: Secrets.hash(token), userId: user.id ?? 0, csrfToken: Secrets.token(),
            userAgent: String(userAgent.prefix(200)), clientIp: event.clientIP, createdAt: now, lastSeenAt: now,
            expiresAt: now.addingTimeInterval(lifetime))
        try await database.write { db in
            var session = session
            try session.insert(db)
            var user = user
            user.lastLoginAt = now
            user.failedLogins = 0
            user.lockedUntil = nil
            try user.update(db)
            try SecurityEvent.record(db, kind: .loginSucceeded, user: user, event: event, detail: "web session")
        }
        return token
    }

    /// The principal of a live session token, sliding its idle timeout. Expired, idle, revoked
    /// sessions and disabled users resolve to nil.
    package func principal(token: String) async throws -> Principal? {
        let hash = Secrets.hash(token)
        let now = Date()
        let found = try await database.read { db -> (Session, User)? in
            guard let session = try Session.filter(Column("token_hash") == hash).fetchOne(db),
                let user = try User.fetchOne(db, key: session.userId)
            else { return nil }
            return (session, user)
        }
        guard let (session, user) = found, session.revokedAt == nil, session.expiresAt > now,
            now.timeIntervalSince(session.lastSeenAt) < idleTimeout, user.status == .active,
            let sessionID = session.id
        else { return nil }
        // Sliding the idle timeout on every request would turn every read into a write; a minute of
        // precision is enough.
        // On a full or read-only disk the slide waits for the disk: reading must keep working.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            do {
                _ = try await database.write { db in
                    try Session.filter(key: sessionID).updateAll(db, Column("last_seen_at").set(to: now))
                }
            } catch let error where database.storageFault(of: error) != nil {}
        }
        return Principal(
            userID: user.id, email: user.email, displayName: user.displayName, role: user.role,
            credential: .session(id: sessionID, csrfToken: session.csrfToken),
            mustEnrolTwoFactor: requireTwoFactor && [.admin, .director].contains(user.role) && !user.totpEnabled)
    }

    package func active(userID: Int64) async throws -> [Session] {
        let now = Date()
        return try await database.read { db in
            try Session.filter(Column("user_id") == userID && Column("revoked_at") == nil && Column("expires_at") > now)
                .order(Column("last_seen_at").desc).fetchAll(db)
        }
    }

    /// Revokes one session of `userID` (a user may only end their own sessions this way); `kind`
    /// tells a sign-out from ending a session on the sessions page.
    package func revoke(id: Int64, userID: Int64, kind: SecurityEvent.Kind = .sessionsRevoked, event: EventContext)
        async throws
    {
        try await database.write { db in
            guard var session = try Session.fetchOne(db, key: id), session.userId == userID else {
                throw APIError.notFound("No such session.")
            }
            session.revokedAt = Date()
            try session.update(db)
            try SecurityEvent.record(
                db, kind: kind, user: try User.fetchOne(db, key: userID), event: event, detail: "session \(id)")
        }
    }

    package func revokeAll(userID: Int64, by actor: Principal, event: EventContext) async throws {
        try await database.write { db in
            try Self.revokeAll(db, userID: userID)
            try SecurityEvent.record(
                db, kind: .sessionsRevoked, user: try User.fetchOne(db, key: userID), event: event,
                detail: "all sessions, by \(actor.logDescription)")
        }
    }

    package static func revokeAll(_ db: Database, userID: Int64) throws {
        try Session.filter(Column("user_id") == userID && Column("revoked_at") == nil)
            .updateAll(db, Column("revoked_at").set(to: Date()))
    }
}
