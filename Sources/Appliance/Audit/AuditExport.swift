import Foundation

/// The export formats. Both carry every hashed field verbatim, so a third party can recompute the
/// chain (see docs/decisions/0007-audit-hash-chain.md); in CSV an empty optional field is null.
enum AuditExport {
    static let fields = [
        "seq", "at", "actor_type", "actor_id", "actor_name", "request_id", "client_ip", "action", "entity_type",
        "entity_id", "before", "after", "reason", "prev_hash", "hash",
    ]

    static let csvHeader = CSVResponse.line(fields)

    static func csvLine(_ event: AuditEvent) -> String {
        let values: [String] = [
            String(event.seq), event.at, event.actorType.rawValue, event.actorId.map(String.init) ?? "",
            event.actorName, event.requestId, event.clientIp, event.action, event.entityType, event.entityId,
            event.before ?? "", event.after ?? "", event.reason ?? "", event.prevHash, event.hash,
        ]
        return CSVResponse.line(values)
    }

    static let jsonPrologue = "{\"format\":\"labbox-audit/1\",\"events\":["

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func jsonLine(_ event: AuditEvent) throws -> String {
        String(decoding: try encoder.encode(event), as: UTF8.self)
    }
}
