import Foundation

/// `manifest.json`, the last member of every backup archive: what made it, the schema, row counts
/// and the SHA-256 of every other member. The audit chain's head hash travels with it, so a copy
/// kept off the box also pins the chain as it was.
struct BackupManifest: Codable, Sendable {
    struct File: Codable, Sendable, Equatable {
        let size: Int64
        let sha256: String
    }

    var format = 1
    var labboxVersion: String
    var commit: String
    var createdAt: Date
    /// The last migration applied to the copied database, and all of them in order.
    var schemaVersion: String
    var migrations: [String]
    var rowCounts: [String: Int]
    var auditEvents: Int
    var auditHeadHash: String
    var files: [String: File]

    static let name = "manifest.json"

    enum CodingKeys: String, CodingKey {
        case format, commit, migrations, files
        case labboxVersion = "labbox_version"
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
        case rowCounts = "row_counts"
        case auditEvents = "audit_events"
        case auditHeadHash = "audit_head_hash"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
