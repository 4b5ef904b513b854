import Foundation
import GRDB
import LabBoxPlatform

package struct Session: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "sessions"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

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
