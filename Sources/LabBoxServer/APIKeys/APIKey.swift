import Foundation
import GRDB
import LabBoxPlatform

package struct APIKey: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "api_keys"
    package static let auditEntity = "api_key"
    package static let auditRedacted: Set<String> = ["key_hash", "last_used_at"]
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, prefix, scopes
        case keyHash = "key_hash"
        case userId = "user_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }

    /// Every key starts with this, so leaked keys are easy to recognise and scan for.
    package static let keyPrefix = "lbx_"

    package var id: Int64?
    package var name: String
    package var prefix: String
    package var keyHash: String
    package var userId: Int64?
    package var scopes: String
    package var createdAt: Date
    package var expiresAt: Date?
    package var lastUsedAt: Date?
    package var revokedAt: Date?

    package var scopeSet: Set<String> { Set(scopes.split(separator: " ").map(String.init)) }

    /// What the API and pages show of a key: never its hash.
    package struct Public: Codable, Sendable {
        package let id: Int64
        package let name: String
        package let prefix: String
        package let scopes: [String]
        package let userId: Int64?
        package let createdAt: Date
        package let expiresAt: Date?
        package let lastUsedAt: Date?
        package let revoked: Bool

        package enum CodingKeys: String, CodingKey {
            case id, name, prefix, scopes, revoked
            case userId = "user_id"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
        }
    }

    package var publicView: Public {
        Public(
            id: id ?? 0, name: name, prefix: prefix, scopes: scopeSet.sorted(), userId: userId, createdAt: createdAt,
            expiresAt: expiresAt, lastUsedAt: lastUsedAt, revoked: revokedAt != nil)
    }
}
