import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

package struct User: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "users"
    package static let auditEntity = "user"
    /// Secrets, and counters that sign-in changes constantly (its security events record those).
    package static let auditRedacted: Set<String> = [
        "password_hash", "totp_secret", "totp_last_step", "failed_logins", "locked_until", "last_login_at",
        "last_failed_login_at",
    ]

    package enum Status: String, Codable, Sendable, CaseIterable { case active, disabled }

    package var id: Int64?
    package var email: String
    package var displayName: String
    package var role: Role
    package var status: Status
    package var passwordHash: String
    package var failedLogins: Int = 0
    package var lockedUntil: Date?
    package var totpSecret: String?
    package var totpEnabled: Bool = false
    package var totpLastStep: Int64 = 0
    package var createdAt: Date
    package var updatedAt: Date
    package var lastLoginAt: Date?
    /// When the last failed password or second-factor code was entered; older failures decay.
    package var lastFailedLoginAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, email, role, status
        case displayName = "display_name"
        case passwordHash = "password_hash"
        case failedLogins = "failed_logins"
        case lockedUntil = "locked_until"
        case totpSecret = "totp_secret"
        case totpEnabled = "totp_enabled"
        case totpLastStep = "totp_last_step"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastLoginAt = "last_login_at"
        case lastFailedLoginAt = "last_failed_login_at"
    }

    package var principal: Principal {
        Principal(userID: id, email: email, displayName: displayName, role: role, credential: .accessToken)
    }

    /// What the API shows of a user: never the hashes or the TOTP secret.
    package struct Public: Codable, Sendable, ResponseEncodable {
        package let id: Int64
        package let email: String
        package let displayName: String
        package let role: Role
        package let status: Status
        package let totpEnabled: Bool
        package let createdAt: Date
        package let lastLoginAt: Date?

        package enum CodingKeys: String, CodingKey {
            case id, email, role, status
            case displayName = "display_name"
            case totpEnabled = "totp_enabled"
            case createdAt = "created_at"
            case lastLoginAt = "last_login_at"
        }
    }

    package var publicView: Public {
        Public(
            id: id ?? 0, email: email, displayName: displayName, role: role, status: status,
            totpEnabled: totpEnabled, createdAt: createdAt, lastLoginAt: lastLoginAt)
    }
}

extension Role: DatabaseValueConvertible {}
extension User.Status: DatabaseValueConvertible {}

/// Users sign records (the audit floor knows signers only through this protocol).
extension User: Signer {}
