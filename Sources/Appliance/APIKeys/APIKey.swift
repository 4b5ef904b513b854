import Foundation
import GRDB

struct APIKey: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "api_keys"
    static let auditEntity = "api_key"
    static let auditRedacted: Set<String> = ["key_hash", "last_used_at"]
    var auditID: String { String(id ?? 0) }
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// Every key starts with this, so leaked keys are easy to recognise and scan for.
    static let keyPrefix = "lbx_"

    var id: Int64?
    var name: String
    var prefix: String
    var keyHash: String
    var userId: Int64?
    var scopes: String
    var createdAt: Date
    var expiresAt: Date?
    var lastUsedAt: Date?
    var revokedAt: Date?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var scopeSet: Set<String> { Set(scopes.split(separator: " ").map(String.init)) }

    /// What the API and pages show of a key: never its hash.
    struct Public: Codable, Sendable {
        let id: Int64
        let name: String
        let prefix: String
        let scopes: [String]
        let userId: Int64?
        let createdAt: Date
        let expiresAt: Date?
        let lastUsedAt: Date?
        let revoked: Bool

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, scopes, revoked
            case userId = "user_id"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
        }
    }

    var publicView: Public {
        Public(
            id: id ?? 0, name: name, prefix: prefix, scopes: scopeSet.sorted(), userId: userId, createdAt: createdAt,
            expiresAt: expiresAt, lastUsedAt: lastUsedAt, revoked: revokedAt != nil)
    }
}
