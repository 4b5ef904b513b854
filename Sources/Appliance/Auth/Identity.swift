import Foundation
import GRDB
import Hummingbird

/// The identity services one LabBox process shares: users, sessions, API keys, sign-in.
struct Identity: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let apiKeys: APIKeyStore
    let database: AppDatabase

    init(database: AppDatabase, config: AppConfig) {
        self.database = database
        self.apiKeys = APIKeyStore(database: database)
        self.users = UserStore(database: database, apiKeys: apiKeys)
        self.sessions = SessionStore(
            database: database, idleTimeout: TimeInterval(config.sessionIdleMinutes * 60),
            lifetime: TimeInterval(config.sessionLifetimeHours * 3600))
    }

    /// The principal of an `Authorization` header value, or nil when it is malformed or invalid.
    func principal(bearer header: String) async throws -> Principal? {
        guard header.hasPrefix("Bearer ") else { return nil }
        let credential = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard credential.hasPrefix(APIKey.keyPrefix), credential.count < 200 else { return nil }
        return try await apiKeys.principal(secret: credential)
    }

    /// Checks an email and password. The answer is the same for an unknown email, a wrong password
    /// and a disabled account, so sign-in does not reveal which accounts exist.
    func verify(email: String, password: String, context: AppRequestContext) async throws -> User {
        let refusal = APIError(
            status: .unauthorized, code: "unauthorized", message: "The email or password is not correct.")
        guard let user = try await users.user(email: email.trimmingCharacters(in: .whitespaces)) else {
            // Hash anyway, so an unknown email takes as long as a known one.
            _ = PasswordPolicy.verify(password, hash: Self.timingHash)
            try await record(.loginFailed, user: nil, email: email, context: context, detail: "unknown email")
            throw refusal
        }
        guard PasswordPolicy.verify(password, hash: user.passwordHash), user.status == .active else {
            try await record(.loginFailed, user: user, context: context, detail: "wrong password or disabled")
            throw refusal
        }
        return user
    }

    private static let timingHash = PasswordPolicy.hash(Secrets.token())

    func record(
        _ kind: SecurityEvent.Kind, user: User?, email: String? = nil, context: AppRequestContext, detail: String
    ) async throws {
        let event = context.eventContext
        try await database.write { db in
            try SecurityEvent.record(db, kind: kind, user: user, email: email, event: event, detail: detail)
        }
    }
}
