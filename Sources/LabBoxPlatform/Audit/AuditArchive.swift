import Crypto
import Foundation
import GRDB

/// Moving old audit events out of the database into a sealed file, without breaking the chain.
///
/// The file holds a header line and one JSON line per event. Its SHA-256 and the hash of its last
/// event go into an anchor row and into an `audit.archive` event, which stays in the live chain; the
/// database keeps verifying from the anchor, and the file verifies on its own.
package enum AuditArchive {
    package struct Header: Codable, Sendable {
        package var format = "labbox-audit-archive/1"
        package let firstSeq: Int64
        package let throughSeq: Int64
        package let count: Int
        /// The chain value the first archived event continues from.
        package let prevHash: String
        package let headHash: String

        package enum CodingKeys: String, CodingKey {
            case format, count
            case firstSeq = "first_seq"
            case throughSeq = "through_seq"
            case prevHash = "prev_hash"
            case headHash = "head_hash"
        }
    }

    package struct Result: Sendable {
        package let header: Header
        package let file: String
        package let sha256: String
    }

    package enum Failure: Error, CustomStringConvertible {
        case nothingToArchive
        case chainBroken(String)
        case fileExists(String)

        package var description: String {
            switch self {
            case .nothingToArchive: "no audit events are older than that date"
            case .chainBroken(let problem): "the audit chain does not verify (\(problem)); archive nothing"
            case .fileExists(let path): "\(path) exists; choose another file"
            }
        }
    }

    /// Archives every event before `date` into `path` in one transaction: if anything fails, the
    /// file is removed and the database is unchanged.
    package static func archive(_ database: AppDatabase, before date: Date, to path: String, context: EventContext)
        async throws -> Result
    {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure.fileExists(path) }
        return try await database.write(context) { write in
            let db = write.db
            let verification = try AuditTrail.verify(db)
            if let broken = verification.broken { throw Failure.chainBroken(broken.problem) }
            let events = try AuditEvent.filter(Column("at") < AuditEvent.timestamp(date)).order(Column("seq"))
                .fetchAll(db)
            guard let first = events.first, let last = events.last else { throw Failure.nothingToArchive }
            let header = Header(
                firstSeq: first.seq, throughSeq: last.seq, count: events.count, prevHash: first.prevHash,
                headHash: last.hash)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var data = try encoder.encode(header) + Data("\n".utf8)
            for event in events { data += try encoder.encode(event) + Data("\n".utf8) }
            let sha = SHA256.hash(data: data).hex
            try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            do {
                let name = URL(fileURLWithPath: path).lastPathComponent
                try db.execute(
                    sql: """
                        INSERT INTO audit_anchors (through_seq, head_hash, event_count, file_name, file_sha256, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [last.seq, last.hash, events.count, name, sha, AuditEvent.timestamp(Date())])
                try write.log(
                    "audit.archive", entityType: "audit_archive", entityID: name,
                    after: AuditValue.encode([
                        "first_seq": .integer(first.seq), "through_seq": .integer(last.seq),
                        "count": .integer(Int64(events.count)), "head_hash": .text(last.hash),
                        "file_sha256": .text(sha),
                    ]))
                try db.execute(sql: "DELETE FROM audit_events WHERE seq <= ?", arguments: [last.seq])
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
            return Result(header: header, file: path, sha256: sha)
        }
    }

    /// Checks an archive file on its own: every event hashes correctly and chains from the header's
    /// `prev_hash` to its `head_hash`. Returns the header and the file's SHA-256.
    package static func verify(file path: String) throws -> (Header, String) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let sha = SHA256.hash(data: data).hex
        let lines = data.split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first, let header = try? JSONDecoder().decode(Header.self, from: Data(first)) else {
            throw Failure.chainBroken("not a LabBox audit archive")
        }
        var previous = header.prevHash
        var expected = header.firstSeq
        for line in lines.dropFirst() {
            let event = try JSONDecoder().decode(AuditEvent.self, from: Data(line))
            guard event.seq == expected, event.prevHash == previous, event.computedHash == event.hash else {
                throw Failure.chainBroken("event \(event.seq) does not verify")
            }
            previous = event.hash
            expected += 1
        }
        guard previous == header.headHash, expected - header.firstSeq == Int64(header.count) else {
            throw Failure.chainBroken("the file does not end at its head hash")
        }
        return (header, sha)
    }
}
