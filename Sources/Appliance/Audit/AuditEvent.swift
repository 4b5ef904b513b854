import Crypto
import Foundation
import GRDB

/// One link of the audit chain. Rows are only ever appended, through ``AuditTrail/append``.
struct AuditEvent: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_events"

    var seq: Int64
    var at: String
    var actorType: EventContext.ActorType
    var actorId: Int64?
    var actorName: String
    var requestId: String
    var clientIp: String
    var action: String
    var entityType: String
    var entityId: String
    var before: String?
    var after: String?
    var reason: String?
    var prevHash: String
    var hash: String

    /// The column names, which are also the API's and the exports' field names.
    enum CodingKeys: String, CodingKey, CaseIterable {
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
    static let genesisHash = String(repeating: "0", count: 64)

    /// The bytes the hash covers, after `prev_hash`: every field in a fixed order, each written as
    /// `name=<byte length>:<UTF-8 bytes>\n`, or `name=-\n` when null. Length prefixes make the
    /// encoding unambiguous without any escaping, so a third party can recompute it in a few lines.
    var canonicalEncoding: Data {
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
    var computedHash: String {
        var hasher = SHA256()
        hasher.update(data: Data(prevHash.utf8))
        hasher.update(data: canonicalEncoding)
        return hasher.finalize().hex
    }

    static func timestamp(_ date: Date) -> String { date.rfc3339MillisecondsText }
}

extension EventContext.ActorType: DatabaseValueConvertible {}
