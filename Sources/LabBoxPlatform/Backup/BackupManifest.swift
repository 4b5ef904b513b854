import Foundation

/// `manifest.json`, the last member of every backup archive: what made it, the schema, row counts
/// and the SHA-256 of every other member. The audit chain's head hash travels with it, so a copy
/// kept off the box also pins the chain as it was.
package struct BackupManifest: Codable, Sendable {
    package struct File: Codable, Sendable, Equatable {
        package let size: Int64
        package let sha256: String

        package init(size: Int64, sha256: String) {
            self.size = size
            self.sha256 = sha256
        }
    }

    package var format = 1
    package var labboxVersion: String
    package var commit: String
    package var createdAt: Date
    /// The last migration applied to the copied database, and all of them in order.
    package var schemaVersion: String
    package var migrations: [String]
    package var rowCounts: [String: Int]
    package var auditEvents: Int
    package var auditHeadHash: String
    package var files: [String: File]

    package static let name = "manifest.json"

    /// The names a backup holds: the database, this manifest, and attachments other than job
    /// results (scratch output, left out). Restore installs nothing else, so an archive cannot
    /// bring a configuration file, a TLS key or a `-wal` file SQLite would replay into the data.
    package static func allows(_ name: String) -> Bool {
        name == "labbox.db" || name == Self.name
            || (name.hasPrefix("attachments/") && !name.hasPrefix("attachments/jobs/"))
    }

    package enum CodingKeys: String, CodingKey {
        case format, commit, migrations, files
        case labboxVersion = "labbox_version"
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
        case rowCounts = "row_counts"
        case auditEvents = "audit_events"
        case auditHeadHash = "audit_head_hash"
    }

    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
