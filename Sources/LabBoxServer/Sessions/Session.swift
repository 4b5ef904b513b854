import Foundation
import GRDB
import LabBoxPlatform

package struct Session: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "sessions"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id
        case tokenHash = "token_hash"
        case userId = "user_id"
        case csrfToken = "csrf_token"
        case userAgent = "user_agent"
        case clientIp = "client_ip"
        case createdAt = "created_at"
        case lastSeenAt = "last_seen_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    package var id: Int64?
    package var tokenHash: String
    package var userId: Int64
    package var csrfToken: String
    package var userAgent: String
    package var clientIp: String
    package var createdAt: Date
    package var lastSeenAt: Date
    package var expiresAt: Date
    package var revokedAt: Date?
}
