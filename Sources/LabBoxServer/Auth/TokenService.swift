import Foundation
import GRDB
import LabBoxPlatform
import Synchronization

/// Short-lived access tokens (JWT, HS256, 15 minutes) and rotating refresh tokens for interactive
/// API clients.
///
/// Signing keys live in the database, sealed with the data directory's `secrets.key`
/// (``SecretBox``), so `labbox keys rotate` takes effect without a restart: the service reloads
/// the keys when a token names one it has not loaded, and at least once a minute. A replaced key
/// still verifies the tokens it signed until it retires, one access-token lifetime later; the
/// next rotation after that deletes it.
package struct SigningKey: Codable, Sendable, FetchableRecord, TableRecord {
    package static let databaseTableName = "signing_keys"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kid, secret
        case retiresAt = "retires_at"
    }
    package let id: Int64
    package let kid: String
    /// Sealed for the row's ``context``.
    package let secret: String
    package let retiresAt: Date?

    package static func context(kid: String) -> String { "signing_keys.secret:\(kid)" }
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

    /// Adds a new signing key; new tokens are signed with it from now on. The keys it replaces
    /// retire one access-token lifetime from now; keys already retired are deleted.
    @discardableResult
    package static func rotate(_ db: Database, secrets: SecretBox, event: EventContext) throws -> String {
        let now = Date()
        let kid = Secrets.token(bytes: 9)
        let retired = try String.fetchAll(
            db, sql: "DELETE FROM signing_keys WHERE retires_at <= ? RETURNING kid", arguments: [now])
        try db.execute(
            sql: "UPDATE signing_keys SET retires_at = ? WHERE retires_at IS NULL",
            arguments: [now.addingTimeInterval(accessLifetime)])
        try db.execute(
            sql: "INSERT INTO signing_keys (kid, secret, created_at) VALUES (?, ?, ?)",
            arguments: [kid, try secrets.seal(Secrets.token(bytes: 32), context: SigningKey.context(kid: kid)), now])
        try AuditTrail.append(
            db, event, action: "signing_key.rotate", entityType: "signing_key", entityID: kid,
            after: AuditValue.encode(["kid": .text(kid), "deleted": .text(retired.sorted().joined(separator: " "))]))
        return kid
    }

    /// The newest signing key this process can open, making one when there is none (first use,
    /// or a database restored without its `secrets.key`).
    private func currentKey() async throws -> (kid: String, secret: String) {
        let secrets = database.secrets
        let key = try await database.write { db -> (String, String)? in
            let usable = {
                try SigningKey.filter(SigningKey.CodingKeys.retiresAt == nil).order(SigningKey.CodingKeys.id.desc)
                    .fetchAll(db).lazy.compactMap { key in
                        secrets.open(key.secret, context: SigningKey.context(kid: key.kid)).map { (key.kid, $0) }
                    }.first
            }
            if let key = try usable() { return key }
            try Self.rotate(db, secrets: secrets, event: .server)
            return try usable()
        }
        guard let key else { throw DatabaseOpenError(message: "no signing key") }
        // Known here at once: a token signed now must verify on its next request.
        keys.remember(kid: key.0, secret: key.1)
        return key
    }

    /// Loads every key this process can open, with its retirement time.
    private func reloadKeys() async throws {
        let all = try await database.read { try SigningKey.fetchAll($0) }
        let secrets = database.secrets
        keys.replace(
            all.reduce(into: [:]) { loaded, key in
                if let secret = secrets.open(key.secret, context: SigningKey.context(kid: key.kid)) {
                    loaded[key.kid] = (secret, key.retiresAt ?? .distantFuture)
                }
            })
    }

    /// Starts a new refresh family for `user` (after sign-in with password). The family ends
    /// ``refreshLifetime`` from now however often it is refreshed: a stolen refresh token cannot
    /// be kept alive for ever.
    package func issue(for user: User, event: EventContext) async throws -> Pair {
        try await issue(
            for: user, family: Secrets.token(bytes: 12), until: Date().addingTimeInterval(Self.refreshLifetime),
            event: event)
    }

    private func issue(for user: User, family: String, until end: Date, event: EventContext) async throws -> Pair {
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
                arguments: [Secrets.hash(refresh), user.id, family, now, end])
            try AuditTrail.append(
                db, event.acting(as: user), action: "token.issue", entityType: "user", entityID: String(user.id ?? 0),
                after: AuditValue.encode(["refresh_family": .text(family)]))
        }
        return Pair(accessToken: access, refreshToken: refresh, expiresIn: Int(Self.accessLifetime))
    }

    /// The user id of a valid access token, or nil.
    package func userID(accessToken: String) async throws -> Int64? {
        guard let kid = AccessToken.keyID(of: accessToken) else { return nil }
        if keys.needsReload(for: kid) { try await reloadKeys() }
        guard let key = keys.key(kid), key.retiresAt > Date(),
            let claims = AccessToken.verify(accessToken, secret: key.secret)
        else { return nil }
        return Int64(claims.sub)
    }

    package enum RefreshOutcome: Sendable {
        case renewed(Pair, User)
        case invalid
        /// The account must now enrol a second factor before it gets new tokens.
        case secondFactorRequired
        /// The token had been used before: someone holds a copy. The family is revoked.
        case reused(User?)
    }

    /// Exchanges a refresh token for a new pair, retiring the presented one. `mustEnrol` is
    /// asked again at each refresh, as at sign-in: a requirement added since does not wait for
    /// the family to end.
    package func refresh(_ token: String, event: EventContext, mustEnrol: (User) -> Bool) async throws
        -> RefreshOutcome
    {
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
        if mustEnrol(user) { return .secondFactorRequired }
        return .renewed(try await issue(for: user, family: token.family, until: token.expiresAt, event: event), user)
    }

    /// Ends every refresh family of a user (password reset, disabling).
    package static func revokeAll(_ db: Database, userID: Int64) throws {
        try db.execute(
            sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            arguments: [Date(), userID])
    }
}

/// The signing keys a process has loaded, by key id, and when they were loaded.
private final class SharedKeys: Sendable {
    struct Loaded {
        var keys: [String: (secret: String, retiresAt: Date)] = [:]
        var at = ContinuousClock.Instant.now - .seconds(3600)
    }
    private let loaded = Mutex(Loaded())

    func replace(_ keys: [String: (secret: String, retiresAt: Date)]) {
        loaded.withLock { $0 = Loaded(keys: keys, at: .now) }
    }

    func remember(kid: String, secret: String) {
        loaded.withLock { view in
            if view.keys[kid] == nil { view.keys[kid] = (secret, .distantFuture) }
        }
    }

    func key(_ kid: String) -> (secret: String, retiresAt: Date)? { loaded.withLock { $0.keys[kid] } }

    /// A minute-old view reloads, so a rotation by `labbox keys rotate` reaches the retirement
    /// times here; an unknown key id reloads at most once a second, so made-up ids cannot turn
    /// every request into a database read.
    func needsReload(for kid: String) -> Bool {
        loaded.withLock { view in
            let age = ContinuousClock.now - view.at
            return age > .seconds(60) || (view.keys[kid] == nil && age > .seconds(1))
        }
    }
}
