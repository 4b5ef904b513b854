import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues
import Synchronization

/// API keys: created (shown once), looked up on every API request, revoked.
///
/// Lookups go through the process cache by key hash, so an authenticated request costs no
/// database read; any change to keys or users (revoking, disabling an owner) invalidates them.
package final class APIKeyStore: Sendable {
    /// What a presented key resolves to; `nil` principal for keys that are unknown or no longer valid.
    private struct Lookup: Sendable {
        let principal: Principal?
        let expiresAt: Date?
    }

    package let database: AppDatabase
    /// When each key's last use was last written, so busy keys write it at most once a minute.
    private let lastUseWritten = Mutex<[Int64: Date]>([:])

    package init(database: AppDatabase) { self.database = database }

    package struct Created: Sendable {
        package let key: APIKey
        /// The full key, returned once and never stored.
        package let secret: String
    }

    package func create(
        name: String, scopes: Set<String>, owner: User?, expiresAt: Date?, by actor: Principal?, event: EventContext
    ) async throws -> Created {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else {
            throw APIError.validationFailed("Name the key (1 to 100 characters).", field: "name")
        }
        guard !scopes.isEmpty, scopes.allSatisfy(Permission.isValidScope) else {
            throw APIError.validationFailed(
                "Give one or more scopes such as samples:read, samples:write, security:read or admin.", field: "scopes")
        }
        if let actor, let notHeld = scopes.first(where: { !actor.can(Permission(rawValue: $0)) }) {
            throw APIError(
                status: .forbidden, code: "forbidden", message: "You cannot grant the scope \(notHeld).",
                field: "scopes")
        }
        if let expiresAt, expiresAt <= Date() {
            throw APIError.validationFailed("The expiry must be in the future.", field: "expires_at")
        }
        let prefix = String(Secrets.token(bytes: 6).prefix(8))
        let secret = APIKey.keyPrefix + prefix + "_" + Secrets.token()
        let key = try await database.write(event) { write in
            let db = write.db
            var key = APIKey(
                id: nil, name: name, prefix: prefix, keyHash: Secrets.hash(secret), userId: owner?.id,
                scopes: scopes.sorted().joined(separator: " "), createdAt: Date(), expiresAt: expiresAt)
            try write.insert(&key)
            try SecurityEvent.record(
                db, kind: .keyCreated, user: owner, event: event,
                detail: "key \(key.id ?? 0) \(prefix) [\(key.scopes)] by \(actor?.logDescription ?? "cli")")
            return key
        }
        return Created(key: key, secret: secret)
    }

    /// The principal for a presented key, or nil for unknown, expired, revoked keys and keys of
    /// disabled users.
    package func principal(secret: String) async throws -> Principal? {
        let hash = Secrets.hash(secret)
        let lookup = try await database.cache.value(
            "apikey:" + hash, tags: [TableInvalidation.tag("api_keys"), TableInvalidation.tag("users")],
            ttl: .seconds(300)
        ) { [database] in
            try await database.read { db -> Lookup in
                guard let key = try APIKey.filter(Column("key_hash") == hash).fetchOne(db), key.revokedAt == nil,
                    let keyID = key.id
                else { return Lookup(principal: nil, expiresAt: nil) }
                let owner = try key.userId.flatMap { try User.fetchOne(db, key: $0) }
                if let owner, owner.status != .active { return Lookup(principal: nil, expiresAt: nil) }
                // A key never exceeds what its owner may do now: scopes the owner's current role
                // does not grant (after a demotion) are dropped. Keys without an owner are made
                // on the box itself (`labbox apikey create`) and keep their scopes.
                let scopes =
                    owner.map { owner in
                        key.scopeSet.filter { owner.role.grants(Permission(rawValue: $0)) }
                    } ?? key.scopeSet
                let principal = Principal(
                    userID: owner?.id, email: owner?.email, displayName: key.name, role: nil,
                    credential: .apiKey(id: keyID, scopes: scopes))
                return Lookup(principal: principal, expiresAt: key.expiresAt)
            }
        }
        let now = Date()
        guard let principal = lookup.principal else { return nil }
        if let expiresAt = lookup.expiresAt, expiresAt <= now { return nil }
        touch(principal, now: now)
        return principal
    }

    /// Records last use at most once a minute per key, so busy integrations do not write per
    /// request, and in the background, so a read never waits for the writer (which a long job may
    /// hold) just to note the time.
    private func touch(_ principal: Principal, now: Date) {
        guard case .apiKey(let id, _) = principal.credential else { return }
        let due = lastUseWritten.withLock { written in
            guard now.timeIntervalSince(written[id] ?? .distantPast) > 60 else { return false }
            written[id] = now
            return true
        }
        guard due else { return }
        Task { [database] in
            try? await database.write { db in
                try APIKey.filter(key: id).updateAll(db, Column("last_used_at").set(to: now))
            }
        }
    }

    package func list(ownedBy userID: Int64?) async throws -> [APIKey] {
        try await database.read { db in
            var request = APIKey.order(Column("created_at").desc)
            if let userID { request = request.filter(Column("user_id") == userID) }
            return try request.fetchAll(db)
        }
    }

    /// Revokes a key. Without the admin permission only one's own keys can be revoked.
    package func revoke(id: Int64, by actor: Principal?, event: EventContext) async throws {
        try await database.write(event) { write in
            let db = write.db
            guard let previous = try APIKey.fetchOne(db, key: id), previous.revokedAt == nil else {
                throw APIError.notFound("No such active key.")
            }
            if let actor, !actor.can(.admin), previous.userId == nil || previous.userId != actor.userID {
                throw APIError.notFound("No such active key.")
            }
            var key = previous
            key.revokedAt = Date()
            try write.update(key, from: previous, action: "revoke", reason: nil)
            try SecurityEvent.record(
                db, kind: .keyRevoked, user: try key.userId.flatMap { try User.fetchOne(db, key: $0) }, event: event,
                detail: "key \(id) \(key.prefix) by \(actor?.logDescription ?? "cli")")
        }
    }
}
