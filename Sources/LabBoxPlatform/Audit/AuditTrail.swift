import Foundation
import GRDB
import LabBoxValues
import Metrics

/// The hash chain: appending events and proving it is intact.
package enum AuditTrail {
    private static let appended = Counter(label: "labbox_audit_events_total")

    /// The longest reason an event keeps. Events can never be deleted, so a reason is refused
    /// (`422`, field `reason`) rather than stored when longer, whichever way it came: the API,
    /// a form, a CSV import or a bulk change. The API documents the same bound.
    package static let maxReason = 1000

    /// Appends one event in the caller's transaction, chained to the current head. The database
    /// has one writer, so heads cannot race.
    @discardableResult
    package static func append(
        _ db: Database, _ context: EventContext, action: String, entityType: String, entityID: String,
        before: String? = nil, after: String? = nil, reason: String? = nil
    ) throws -> AuditEvent {
        var chain = try Chain(db)
        return try chain.append(
            db, context, action: action, entityType: entityType, entityID: entityID, before: before, after: after,
            reason: reason)
    }

    /// The chain's head, read once for a run of appends in one transaction (bulk inserts), where
    /// nothing else appends in between.
    package struct Chain {
        private var lastSeq: Int64
        private var prevHash: String

        private static let insertSQL = """
            INSERT INTO audit_events (seq, at, actor_type, actor_id, actor_name, request_id, client_ip, action,
                entity_type, entity_id, before, after, reason, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """

        package init(_ db: Database) throws {
            if let head = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"))
            {
                (lastSeq, prevHash) = (head[0], head[1])
            } else if let anchor = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT through_seq, head_hash FROM audit_anchors ORDER BY through_seq DESC LIMIT 1"))
            {
                (lastSeq, prevHash) = (anchor["through_seq"], anchor["head_hash"])
            } else {
                (lastSeq, prevHash) = (0, AuditEvent.genesisHash)
            }
        }

        @discardableResult
        package mutating func append(
            _ db: Database, _ context: EventContext, action: String, entityType: String, entityID: String,
            before: String? = nil, after: String? = nil, reason: String? = nil
        ) throws -> AuditEvent {
            if let reason { try InputCheck.length(reason, field: "reason", limit: AuditTrail.maxReason) }
            var event = AuditEvent(
                seq: lastSeq + 1, at: AuditEvent.timestamp(Date()), actorType: context.actorType,
                actorId: context.actorID, actorName: context.actorName, requestId: context.requestID,
                clientIp: context.clientIP, action: action, entityType: entityType, entityId: entityID,
                before: before, after: after, reason: reason.flatMap { $0.isEmpty ? nil : $0 }, prevHash: prevHash,
                hash: "")
            event.hash = event.computedHash
            try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [
                event.seq, event.at, event.actorType, event.actorId, event.actorName, event.requestId, event.clientIp,
                event.action, event.entityType, event.entityId, event.before, event.after, event.reason,
                event.prevHash, event.hash,
            ])
            appended.increment()
            (lastSeq, prevHash) = (event.seq, event.hash)
            return event
        }
    }

    package struct Verification: Sendable {
        package var count = 0
        package var headHash = AuditEvent.genesisHash
        package var archivedThrough: Int64 = 0
        /// The first event that does not fit the chain, and why.
        package var broken: (seq: Int64, problem: String)?
        package var missingTriggers: [String] = []
        /// The people (`customer:12`) of whose data a stored text no longer matches the token the
        /// chain holds for it: altered beside the chain (``PersonalData``).
        package var alteredPersonalData: [String] = []

        package var isIntact: Bool { problem == nil }

        /// What is wrong, on one line, or nil when the trail is intact.
        package var problem: String? {
            if let broken { return "broken at event \(broken.seq): \(broken.problem)" }
            if !missingTriggers.isEmpty {
                return "append-only triggers missing: " + missingTriggers.joined(separator: ", ")
            }
            if !alteredPersonalData.isEmpty {
                return "personal data altered beside the chain: " + alteredPersonalData.joined(separator: ", ")
            }
            return nil
        }
    }

    package static let triggers = [
        "audit_events_append_only_update", "audit_events_append_only_delete",
        "audit_anchors_append_only_update", "audit_anchors_append_only_delete",
        "signatures_append_only_update", "signatures_append_only_delete",
    ]

    /// Walks the whole chain from the last archive anchor (or the genesis hash): every event must
    /// follow its predecessor's sequence number and hash, and hash to what it stores; and every
    /// person's text kept beside the chain must still match the token the chain holds.
    ///
    /// `progress` hears every 10,000 events how many were checked of how many there are (a million
    /// take seconds: the audit page runs this as a job with a progress bar); it may throw to stop.
    package static func verify(
        _ db: Database, progress: ((_ checked: Int, _ total: Int) throws -> Void)? = nil
    ) throws -> Verification {
        var result = Verification()
        if let anchor = try Row.fetchOne(
            db, sql: "SELECT through_seq, head_hash FROM audit_anchors ORDER BY through_seq DESC LIMIT 1")
        {
            result.archivedThrough = anchor["through_seq"]
            result.headHash = anchor["head_hash"]
        }
        let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'") ?? 0
        let total = Int(max(highest - result.archivedThrough, 0))
        var expectedSeq = result.archivedThrough + 1
        let cursor = try AuditEvent.order(Column("seq")).fetchCursor(db)
        while let event = try cursor.next() {
            if event.seq != expectedSeq {
                result.broken = (expectedSeq, "event \(expectedSeq) is missing (next present is \(event.seq))")
                break
            }
            if event.prevHash != result.headHash {
                result.broken = (event.seq, "prev_hash does not match the hash of the event before it")
                break
            }
            if event.computedHash != event.hash {
                result.broken = (event.seq, "contents do not match its hash (the event was altered)")
                break
            }
            result.headHash = event.hash
            result.count += 1
            expectedSeq += 1
            if result.count % 10_000 == 0 { try progress?(result.count, total) }
        }
        if result.broken == nil, highest >= expectedSeq {
            result.broken = (expectedSeq, "events \(expectedSeq)–\(highest) were removed from the end of the chain")
        }
        let present = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        result.missingTriggers = triggers.filter { !present.contains($0) }
        result.alteredPersonalData = try PersonalData.altered(db)
        return result
    }
}
