import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// Queries and writes for users; every write is audited and records a security event in the same
/// transaction.
package struct UserStore: Sendable {
    package let database: AppDatabase
    /// Checks of a signed-in user's own password (to change it, or to remove the second factor):
    /// five a minute per user, so a stolen session cannot guess the password at bcrypt's pace.
    let passwordChecks = RateLimiter(perSecond: 5.0 / 60, burst: 5)

    /// Whether `password` is `user`'s, throttled per user (429 beyond the allowance).
    package func verifyPassword(_ password: String, of user: User) async throws -> Bool {
        if let retryAfter = passwordChecks.take("user:\(user.id ?? 0)") {
            throw APIError.tooManyRequests(retryAfter: retryAfter)
        }
        return try await PasswordPolicy.verify(password, hash: user.passwordHash)
    }

    package struct NewUser: Sendable {
        package var email: String
        package var displayName: String
        package var role: Role
        package var password: String

        package init(email: String, displayName: String, role: Role, password: String) {
            self.email = email
            self.displayName = displayName
            self.role = role
            self.password = password
        }
    }

    package static func validate(_ new: NewUser) throws {
        let email = new.email.trimmingCharacters(in: .whitespaces)
        guard email.count <= 254, email.firstMatch(of: /^[^@\s]+@[^@\s]+\.[^@\s]+$/) != nil else {
            throw APIError.validationFailed("Enter a valid email address.", field: "email")
        }
        guard !new.displayName.trimmingCharacters(in: .whitespaces).isEmpty, new.displayName.count <= 100 else {
            throw APIError.validationFailed("Enter a name of 1 to 100 characters.", field: "display_name")
        }
        if let problem = PasswordPolicy.problem(with: new.password, email: email) {
            throw APIError.validationFailed(problem, field: "password")
        }
    }

    /// Creates a user, refusing a duplicate email with 409.
    /// A new account; with `welcome`, the person gets a welcome email (never with the password).
    package func create(_ new: NewUser, by actor: Principal?, event: EventContext, welcome: AccountMail? = nil)
        async throws -> User
    {
        try Self.validate(new)
        let hash = try await PasswordPolicy.hash(new.password)
        return try await database.write(event) { write in
            let db = write.db
            let email = new.email.trimmingCharacters(in: .whitespaces)
            if try User.filter(Column("email") == email).fetchCount(db) > 0 {
                throw APIError(
                    status: .conflict, code: "conflict", message: "A user with this email exists.", field: "email")
            }
            let now = Date()
            var user = User(
                id: nil, email: email, displayName: new.displayName.trimmingCharacters(in: .whitespaces),
                role: new.role, status: .active, passwordHash: hash, createdAt: now, updatedAt: now)
            try write.insert(&user)
            try SecurityEvent.record(
                db, kind: .userCreated, user: user, event: event,
                detail: "role \(new.role.rawValue) by \(actor?.logDescription ?? "cli")")
            if let welcome {
                try EmailMessage.queue(
                    db, to: user.email,
                    mail: WelcomeMail(
                        name: user.displayName, email: user.email, role: new.role.label, lab: welcome.labName,
                        link: "\(welcome.linkBase)/login", invitedBy: actor?.displayName ?? welcome.labName),
                    subject: "Welcome to LabBox at \(welcome.labName)")
            }
            return user
        }
    }

    package func user(id: Int64) async throws -> User? {
        try await database.read { try User.fetchOne($0, key: id) }
    }

    package func user(email: String) async throws -> User? {
        try await database.read { try User.filter(Column("email") == email).fetchOne($0) }
    }

    /// A user and their history, read in one snapshot.
    package func withHistory(id: Int64) async throws -> (User, [History.Entry])? {
        try await database.read { db in
            guard let user = try User.fetchOne(db, key: id) else { return nil }
            return (user, try History.entries(db, entityType: User.auditEntity, entityID: user.auditID))
        }
    }

    package func all() async throws -> [User] {
        try await database.read { try User.order(Column("email")).fetchAll($0) }
    }

    package func count() async throws -> Int {
        try await database.read { try User.fetchCount($0) }
    }

    /// Changes role and/or status. Disabling a user or changing the role ends their sessions, so the
    /// change takes effect at once.
    package func update(id: Int64, role: Role?, status: User.Status?, by actor: Principal, event: EventContext)
        async throws
        -> User
    {
        let user = try await database.write(event) { write in
            let db = write.db
            guard let previous = try User.fetchOne(db, key: id) else { throw APIError.notFound("No such user.") }
            var user = previous
            if user.id == actor.userID, role != nil && role != user.role || status == .disabled {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "You cannot change your own role or disable yourself; ask another admin.")
            }
            if let role, role != user.role {
                try SecurityEvent.record(
                    db, kind: .roleChanged, user: user, event: event,
                    detail: "\(user.role.rawValue) → \(role.rawValue) by \(actor.logDescription)")
                user.role = role
            }
            if let status, status != user.status {
                try SecurityEvent.record(
                    db, kind: status == .disabled ? .userDisabled : .userEnabled, user: user, event: event,
                    detail: "by \(actor.logDescription)")
                user.status = status
            }
            user.updatedAt = Date()
            try write.update(user, from: previous, reason: nil)
            try SessionStore.revokeAll(db, userID: id)
            try TokenService.revokeAll(db, userID: id)
            return user
        }
        return user
    }

    /// Sets a new password (validated) and ends every session of the user.
    package func setPassword(email: String, password: String, event: EventContext) async throws -> User {
        guard let existing = try await user(email: email) else { throw APIError.notFound("No user with this email.") }
        if let problem = PasswordPolicy.problem(with: password, email: existing.email) {
            throw APIError.validationFailed(problem, field: "password")
        }
        let hash = try await PasswordPolicy.hash(password)
        return try await database.write(event) { write in
            let db = write.db
            guard let previous = try User.fetchOne(db, key: existing.id) else { throw APIError.notFound() }
            var user = previous
            user.passwordHash = hash
            user.failedLogins = 0
            user.lockedUntil = nil
            user.updatedAt = Date()
            try write.update(user, from: previous, action: "user.password_set", reason: nil)
            try SessionStore.revokeAll(db, userID: user.id ?? 0)
            try TokenService.revokeAll(db, userID: user.id ?? 0)
            try SecurityEvent.record(db, kind: .passwordReset, user: user, event: event, detail: "")
            return user
        }
    }
}
