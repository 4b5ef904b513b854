import Foundation
import GRDB
import LabBoxPlatform
import Synchronization

/// Short-lived access tokens (JWT, HS256, 15 minutes) and rotating refresh tokens for interactive
/// API clients.
///
/// Signing keys live in the database, so `labbox keys rotate` takes effect without a restart: a
/// token whose `kid` is not loaded yet makes the service reload the keys. Old keys stay valid for
/// the tokens they signed, which expire within 15 minutes anyway.
package struct SigningKey: Codable, Sendable, FetchableRecord {
    package static let databaseTableName = "signing_keys"
    package let kid: String
    package let secret: String
}

package struct RefreshToken: Codable, Sendable, FetchableRecord, TableRecord {
    package static let databaseTableName = "refresh_tokens"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, family
        case userId = "user_id"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case revokedAt = "revoked_at"
    }
    package let id: Int64
    package let userId: Int64
    package let family: String
    package let expiresAt: Date
    package let usedAt: Date?
    package let revokedAt: Date?
}

package struct TokenService: Sendable {
    package static let accessLifetime: TimeInterval = 15 * 60
    package static let refreshLifetime: TimeInterval = 30 * 24 * 3600

    package let database: AppDatabase
    /// Signing secrets by key id, loaded from the database on first use and after a rotation.
    private let keys = SharedKeys()

    package init(database: AppDatabase) {
        self.database = database
    }

    package struct Pair: Sendable {
        package let accessToken: String
        package let refreshToken: String
        package let expiresIn: Int
    }

    /// Adds a new signing key; new tokens are signed with it from now on.
    @discardableResult
    package static func rotate(_ db: Database, event: EventContext) throws -> String {
        let kid = Secrets.token(bytes: 9)
        try db.execute(
            sql: "INSERT INTO signing_keys (kid, secret, created_at) VALUES (?, ?, ?)",
            arguments: [kid, Secrets.token(bytes: 32), Date()])
        try AuditTrail.append(
            db, event, action: "signing_key.rotate", entityType: "signing_key", entityID: kid,
            after: AuditValue.encode(["kid": .text(kid)]))
        return kid
    }

    /// The newest signing key, creating the first one on first use.
    private func currentKey() async throws -> (kid: String, secret: String) {
        let newest = "SELECT kid, secret FROM signing_keys ORDER BY id DESC LIMIT 1"
        let key = try await database.write { db -> SigningKey? in
            if try SigningKey.fetchOne(db, sql: newest) == nil {
                try Self.rotate(db, event: .server)
            }
            return try SigningKey.fetchOne(db, sql: newest)
        }
        guard let key else { throw DatabaseOpenError(message: "no signing key") }
        keys.add(kid: key.kid, secret: key.secret)
        return (key.kid, key.secret)
    }

    private func loadAllKeys() async throws {
        let all = try await database.read { try SigningKey.fetchAll($0, sql: "SELECT kid, secret FROM signing_keys") }
        for key in all { keys.add(kid: key.kid, secret: key.secret) }
    }

    /// Starts a new refresh family for `user` (after sign-in with password).
    package func issue(for user: User, event: EventContext) async throws -> Pair {
        try await issue(for: user, family: Secrets.token(bytes: 12), event: event)
    }

    private func issue(for user: User, family: String, event: EventContext) async throws -> Pair {
        let key = try await currentKey()
        let now = Date()
        let claims = AccessToken.Claims(
            sub: String(user.id ?? 0), exp: Int64(now.addingTimeInterval(Self.accessLifetime).timeIntervalSince1970),
            iat: Int64(now.timeIntervalSince1970), role: user.role.rawValue)
        let access = try AccessToken.sign(claims, kid: key.kid, secret: key.secret)
        let refresh = "lbr_" + Secrets.token()
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO refresh_tokens (token_hash, user_id, family, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [Secrets.hash(refresh), user.id, family, now, now.addingTimeInterval(Self.refreshLifetime)])
            try AuditTrail.append(
                db, event.acting(as: user), action: "token.issue", entityType: "user", entityID: String(user.id ?? 0),
                after: AuditValue.encode(["refresh_family": .text(family)]))
        }
        return Pair(accessToken: access, refreshToken: refresh, expiresIn: Int(Self.accessLifetime))
    }

    /// The user id of a valid access token, or nil.
    package func userID(accessToken: String) async throws -> Int64? {
        guard let kid = AccessToken.keyID(of: accessToken) else { return nil }
        if keys.secret(kid) == nil { try await loadAllKeys() }
        guard let secret = keys.secret(kid), let claims = AccessToken.verify(accessToken, secret: secret) else {
            return nil
        }
        return Int64(claims.sub)
    }

    package enum RefreshOutcome: Sendable {
        case renewed(Pair, User)
        case invalid
        /// The token had been used before: someone holds a copy. The family is revoked.
        case reused(User?)
    }

    /// Exchanges a refresh token for a new pair, retiring the presented one.
    package func refresh(_ token: String, event: EventContext) async throws -> RefreshOutcome {
        let hash = Secrets.hash(token)
        let now = Date()
        let found = try await database.write { db -> (RefreshToken, User?)? in
            guard let token = try RefreshToken.filter(Column("token_hash") == hash).fetchOne(db) else { return nil }
            let user = try User.fetchOne(db, key: token.userId)
            if token.usedAt != nil {
                try db.execute(
                    sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                    arguments: [now, token.family])
            } else if token.revokedAt == nil {
                try db.execute(sql: "UPDATE refresh_tokens SET used_at = ? WHERE id = ?", arguments: [now, token.id])
            }
            return (token, user)
        }
        guard let (token, user) = found else { return .invalid }
        if token.usedAt != nil { return .reused(user) }
        guard token.revokedAt == nil, let user, user.status == .active, token.expiresAt > now else { return .invalid }
        return .renewed(try await issue(for: user, family: token.family, event: event), user)
    }

    /// Ends every refresh family of a user (password reset, disabling).
    package static func revokeAll(_ db: Database, userID: Int64) throws {
        try db.execute(
            sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            arguments: [Date(), userID])
    }
}

/// The signing secrets a process has loaded, by key id.
private final class SharedKeys: Sendable {
    private let secrets = Mutex<[String: String]>([:])

    func add(kid: String, secret: String) { secrets.withLock { $0[kid] = secret } }
    func secret(_ kid: String) -> String? { secrets.withLock { $0[kid] } }
}
