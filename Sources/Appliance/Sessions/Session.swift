import Foundation
import GRDB

struct Session: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "sessions"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var tokenHash: String
    var userId: Int64
    var csrfToken: String
    var userAgent: String
    var clientIp: String
    var createdAt: Date
    var lastSeenAt: Date
    var expiresAt: Date
    var revokedAt: Date?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
