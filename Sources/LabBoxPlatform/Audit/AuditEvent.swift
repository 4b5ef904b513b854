import Crypto
import Foundation
import GRDB
import LabBoxValues

/// One link of the audit chain. Rows are only ever appended, through ``AuditTrail/append``.
package struct AuditEvent: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "audit_events"

    package var seq: Int64
    package var at: String
    package var actorType: EventContext.ActorType
    package var actorId: Int64?
    package var actorName: String
    package var requestId: String
    package var clientIp: String
    package var action: String
    package var entityType: String
    package var entityId: String
    package var before: String?
    package var after: String?
    package var reason: String?
    package var prevHash: String
    package var hash: String

    /// The column names, which are also the API's and the exports' field names.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case seq, at, action, before, after, reason, hash
        case actorType = "actor_type"
        case actorId = "actor_id"
        case actorName = "actor_name"
        case requestId = "request_id"
        case clientIp = "client_ip"
        case entityType = "entity_type"
        case entityId = "entity_id"
        case prevHash = "prev_hash"
    }

    /// The previous hash of the very first event.
    package static let genesisHash = String(repeating: "0", count: 64)

    /// The bytes the hash covers, after `prev_hash`: every field in a fixed order, each written as
    /// `name=<byte length>:<UTF-8 bytes>\n`, or `name=-\n` when null. Length prefixes make the
    /// encoding unambiguous without any escaping, so a third party can recompute it in a few lines.
    package var canonicalEncoding: Data {
        let fields: [(String, String?)] = [
            ("seq", String(seq)), ("at", at), ("actor_type", actorType.rawValue),
            ("actor_id", actorId.map(String.init)),
            ("actor_name", actorName), ("request_id", requestId), ("client_ip", clientIp), ("action", action),
            ("entity_type", entityType), ("entity_id", entityId), ("before", before), ("after", after),
            ("reason", reason),
        ]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + (before?.utf8.count ?? 0) + (after?.utf8.count ?? 0))
        for (name, value) in fields {
            bytes += name.utf8
            bytes.append(UInt8(ascii: "="))
            if let value {
                bytes += String(value.utf8.count).utf8
                bytes.append(UInt8(ascii: ":"))
                bytes += value.utf8
            } else {
                bytes.append(UInt8(ascii: "-"))
            }
            bytes.append(0x0A)
        }
        return Data(bytes)
    }

    /// SHA-256 over the previous hash (as its 64 hex characters) followed by ``canonicalEncoding``.
    package var computedHash: String {
        var hasher = SHA256()
        hasher.update(data: Data(prevHash.utf8))
        hasher.update(data: canonicalEncoding)
        return hasher.finalize().hex
    }

    package static func timestamp(_ date: Date) -> String { date.rfc3339MillisecondsText }
}

extension EventContext.ActorType: DatabaseValueConvertible {}
