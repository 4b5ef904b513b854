import Foundation
import GRDB
import Hummingbird

struct User: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "users"
    static let auditEntity = "user"
    /// Secrets, and counters that sign-in changes constantly (its security events record those).
    static let auditRedacted: Set<String> = [
        "password_hash", "totp_secret", "totp_last_step", "failed_logins", "locked_until", "last_login_at",
    ]
    var auditID: String { String(id ?? 0) }

    enum Status: String, Codable, Sendable, CaseIterable { case active, disabled }

    var id: Int64?
    var email: String
    var displayName: String
    var role: Role
    var status: Status
    var passwordHash: String
    var failedLogins: Int = 0
    var lockedUntil: Date?
    var totpSecret: String?
    var totpEnabled: Bool = false
    var totpLastStep: Int64 = 0
    var createdAt: Date
    var updatedAt: Date
    var lastLoginAt: Date?

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var principal: Principal {
        Principal(userID: id, email: email, displayName: displayName, role: role, credential: .accessToken)
    }

    /// What the API shows of a user: never the hashes or the TOTP secret.
    struct Public: Codable, Sendable, ResponseEncodable {
        let id: Int64
        let email: String
        let displayName: String
        let role: Role
        let status: Status
        let totpEnabled: Bool
        let createdAt: Date
        let lastLoginAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, email, role, status
            case displayName = "display_name"
            case totpEnabled = "totp_enabled"
            case createdAt = "created_at"
            case lastLoginAt = "last_login_at"
        }
    }

    var publicView: Public {
        Public(
            id: id ?? 0, email: email, displayName: displayName, role: role, status: status,
            totpEnabled: totpEnabled, createdAt: createdAt, lastLoginAt: lastLoginAt)
    }
}

extension Role: DatabaseValueConvertible {}
extension User.Status: DatabaseValueConvertible {}
