import Foundation
import GRDB
import Hummingbird
import HummingbirdBcrypt
import LabBoxPlatform
import LabBoxValues

/// The identity services one LabBox process shares: users, sessions, API keys, sign-in.
package struct Identity: Sendable {
    package let users: UserStore
    package let sessions: SessionStore
    package let apiKeys: APIKeyStore
    package let tokens: TokenService
    package let database: AppDatabase
    /// Sign-in attempts per client address.
    package let loginLimiter: RateLimiter
    package let challenges = SecondFactorChallenges()
    /// "Forgot password?" requests: five per client address per 15 minutes, and three per email
    /// address asked about per hour, so nobody can flood a person's mailbox.
    package let resetLimiter = RateLimiter(perSecond: 5.0 / 900, burst: 5)
    package let resetAccountLimiter = RateLimiter(perSecond: 3.0 / 3600, burst: 3)

    /// Failures before an account is locked, and the first lock's length; each further failure
    /// doubles it, up to a day.
    package static let lockoutThreshold = 5
    package static let firstLockout: TimeInterval = 60
    /// Failures further apart than this start the count again: a lockout needs a burst of wrong
    /// guesses, not one now and then, and an expired lockout is not doubled by the next typo.
    package static let failureDecay: TimeInterval = 15 * 60
    /// Longer passwords are refused before any work: bcrypt reads 72 bytes, and a sign-in must not
    /// be a way to make the server hash megabytes.
    package static let maxPasswordBytes = 1024

    package init(database: AppDatabase, config: AppConfig) {
        self.database = database
        self.apiKeys = APIKeyStore(database: database)
        self.tokens = TokenService(database: database)
        self.users = UserStore(database: database)
        self.sessions = SessionStore(
            database: database, idleTimeout: TimeInterval(config.sessionIdleMinutes * 60),
            lifetime: TimeInterval(config.sessionLifetimeHours * 3600), requireTwoFactor: config.requireTwoFactor)
        self.loginLimiter = RateLimiter(
            perSecond: Double(config.loginsPerMinute) / 60, burst: config.loginsPerMinute)
    }

    /// The principal of an `Authorization` header value, or nil when it is malformed or invalid.
    package func principal(bearer header: String) async throws -> Principal? {
        guard header.hasPrefix("Bearer ") else { return nil }
        // A credential has no spaces; split its bytes rather than trim with Foundation (which
        // bridges through NSString) or split characters (which finds grapheme breaks), on every
        // request.
        let words = header.utf8.dropFirst("Bearer ".utf8.count).split {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
        }
        guard words.count == 1, let word = words.first, word.count < 2000 else { return nil }
        let credential = String(decoding: word, as: UTF8.self)
        if credential.hasPrefix(APIKey.keyPrefix) {
            return try await apiKeys.principal(secret: credential)
        }
        guard let userID = try await tokens.userID(accessToken: credential),
            let user = try await users.user(id: userID), user.status == .active
        else { return nil }
        return user.principal
    }

    /// Checks an email and password. The answer is the same for an unknown email, a wrong password
    /// and a disabled account, so sign-in does not reveal which accounts exist.
    ///
    /// Failures are counted per account: from ``lockoutThreshold`` on the account is locked for a
    /// doubling time, during which even the right password is refused (with the same answer).
    package func verify(email: String, password: String, context: AppRequestContext) async throws -> User {
        // Checked before anything is written: an anonymous caller must not be able to store much.
        guard email.count <= SecurityEvent.maxEmail else {
            throw APIError.validationFailed(
                "An email has at most \(SecurityEvent.maxEmail) characters.", field: "email")
        }
        guard password.utf8.count <= Self.maxPasswordBytes else {
            throw APIError.validationFailed(
                "A password has at most \(Self.maxPasswordBytes) bytes.", field: "password")
        }
        // A refused burst writes nothing: counting it on disk would let the burst fill the disk.
        if let retryAfter = loginLimiter.take(context.clientIP) {
            throw APIError.tooManyRequests(retryAfter: retryAfter)
        }
        let refusal = APIError(
            status: .unauthorized, code: "unauthorized", message: "The email or password is not correct.")
        // Every refusal costs one bcrypt check and one write, nothing more, so that the time of the
        // answer does not tell an unknown email from a locked account or a wrong password.
        // Guessing is slowed by the per-address limit and the account lockout, not by waiting.
        guard let user = try await users.user(email: email.trimmingCharacters(in: .whitespaces)) else {
            _ = try await PasswordPolicy.verify(password, hash: Self.timingHash)
            try await record(.loginFailed, user: nil, email: email, context: context, detail: "unknown email")
            throw refusal
        }
        if let lockedUntil = user.lockedUntil, lockedUntil > Date() {
            _ = try await PasswordPolicy.verify(password, hash: Self.timingHash)
            try await record(.loginFailed, user: user, context: context, detail: "account locked")
            throw refusal
        }
        guard try await PasswordPolicy.verify(password, hash: user.passwordHash), user.status == .active else {
            try await recordFailure(user, context: context)
            throw refusal
        }
        return user
    }

    /// Counts a failed password for `user`, locking the account from the threshold on.
    private func recordFailure(_ user: User, context: AppRequestContext) async throws {
        let event = context.eventContext
        try await database.write { db in
            guard var user = try User.fetchOne(db, key: user.id) else { return }
            try Self.countFailure(db, &user, kind: .loginFailed, event: event)
        }
    }

    /// One more wrong password or second-factor code for `user`: recorded, counted (after
    /// ``failureDecay`` the count starts again) and, from ``lockoutThreshold`` on, a lock for a
    /// doubling time. Saves the user.
    private static func countFailure(
        _ db: Database, _ user: inout User, kind: SecurityEvent.Kind, event: EventContext
    ) throws {
        let now = Date()
        if let last = user.lastFailedLoginAt, now.timeIntervalSince(last) > failureDecay,
            (user.lockedUntil ?? .distantPast) <= now
        {
            user.failedLogins = 0
        }
        user.failedLogins += 1
        user.lastFailedLoginAt = now
        try SecurityEvent.record(db, kind: kind, user: user, event: event, detail: "failure \(user.failedLogins)")
        if user.failedLogins >= lockoutThreshold {
            let doublings = min(user.failedLogins - lockoutThreshold, 10)
            let lock = min(firstLockout * pow(2, Double(doublings)), 86_400)
            user.lockedUntil = now.addingTimeInterval(lock)
            try SecurityEvent.record(db, kind: .lockout, user: user, event: event, detail: "locked for \(Int(lock)) s")
        }
        try user.update(db)
    }

    /// Checks a second-factor code (TOTP or recovery code) for `userID`; records failures.
    package func verifySecondFactor(userID: Int64, code: String, context: AppRequestContext) async throws -> User? {
        let event = context.eventContext
        let secrets = database.secrets
        return try await database.write { db -> User? in
            guard var user = try User.fetchOne(db, key: userID), user.totpEnabled, user.status == .active else {
                return nil
            }
            // A locked account takes no codes either: guessing six digits must not go on unbounded.
            if let lockedUntil = user.lockedUntil, lockedUntil > Date() {
                try SecurityEvent.record(db, kind: .twoFactorFailed, user: user, event: event, detail: "account locked")
                return nil
            }
            if try TwoFactor.verify(db, user: &user, code: code, secrets: secrets) { return user }
            try Self.countFailure(db, &user, kind: .twoFactorFailed, event: event)
            return nil
        }
    }

    /// Proves, at the moment of signing, that `email` is the person at the keyboard: their
    /// password and, when enabled, a second-factor code, with the same lockout as sign-in.
    package func reauthenticate(email: String, password: String, code: String?, context: AppRequestContext) async throws
        -> User
    {
        let user: User
        do {
            user = try await verify(email: email, password: password, context: context)
        } catch let error as APIError where error.status == .unauthorized {
            throw APIError(
                status: .unauthorized, code: "unauthorized", message: "The password is not correct.", field: "password")
        }
        guard user.totpEnabled else { return user }
        guard let code, !code.isEmpty,
            let verified = try await verifySecondFactor(userID: user.id ?? 0, code: code, context: context)
        else {
            throw APIError(
                status: .unauthorized, code: "unauthorized", message: "Enter a current authenticator code.",
                field: "code")
        }
        return verified
    }

    /// Whether `user` must enrol a second factor before using LabBox.
    package func mustEnrol(_ user: User) -> Bool {
        sessions.requireTwoFactor && [.admin, .director].contains(user.role) && !user.totpEnabled
    }

    /// A hash of nothing anyone knows, made once (on the first unknown email) and checked like a real one.
    private static let timingHash = Bcrypt.hash(Secrets.token(), cost: PasswordPolicy.bcryptCost)

    package func record(
        _ kind: SecurityEvent.Kind, user: User?, email: String? = nil, context: AppRequestContext, detail: String
    ) async throws {
        let event = context.eventContext
        try await database.write { db in
            try SecurityEvent.record(db, kind: kind, user: user, email: email, event: event, detail: detail)
        }
    }
}
