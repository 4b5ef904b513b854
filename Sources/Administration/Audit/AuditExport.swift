import Foundation
import LabBoxPlatform
import LabBoxServer

/// The export formats. Both carry every hashed field verbatim, so a third party can recompute the
/// chain (see docs/decisions/0007-audit-hash-chain.md); in CSV an empty optional field is null.
package enum AuditExport {
    package static let fields = [
        "seq", "at", "actor_type", "actor_id", "actor_name", "request_id", "client_ip", "action", "entity_type",
        "entity_id", "before", "after", "reason", "prev_hash", "hash",
    ]

    package static let csvHeader = CSVResponse.line(fields)

    package static func csvLine(_ event: AuditEvent) -> String {
        let values: [String] = [
            String(event.seq), event.at, event.actorType.rawValue, event.actorId.map(String.init) ?? "",
            event.actorName, event.requestId, event.clientIp, event.action, event.entityType, event.entityId,
            event.before ?? "", event.after ?? "", event.reason ?? "", event.prevHash, event.hash,
        ]
        return CSVResponse.line(values)
    }

    package static let jsonPrologue = "{\"format\":\"labbox-audit/1\",\"events\":["

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    package static func jsonLine(_ event: AuditEvent) throws -> String {
        String(decoding: try encoder.encode(event), as: UTF8.self)
    }
}
