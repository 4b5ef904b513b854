import Foundation
import GRDB
import LabBoxValues

/// A record's audit events as people read them: who, when, what changed (field by field), why.
package enum History {
    package struct Change: Codable, Sendable {
        package let field: String
        package let before: String?
        package let after: String?
    }

    package struct Entry: Codable, Sendable {
        package let seq: Int64
        package let at: String
        package let actor: String
        package let action: String
        package let reason: String?
        package let changes: [Change]
    }

    /// Newest first.
    package static func entries(_ db: Database, entityType: String, entityID: String, limit: Int = 500) throws
        -> [Entry]
    {
        let events =
            try AuditEvent
            .filter(Column("entity_type") == entityType && Column("entity_id") == entityID)
            .order(Column("seq").desc).limit(limit).fetchAll(db)
        let texts = try PersonalData.texts(db, in: events.flatMap { [$0.before, $0.after] })
        return events.map { entry($0, texts: texts) }
    }

    /// `texts`: a person's data behind the event's tokens (``PersonalData/texts(_:in:)``); an
    /// erased person's shows as "(erased)".
    package static func entry(_ event: AuditEvent, texts: [String: String]) -> Entry {
        Entry(
            seq: event.seq, at: event.at, actor: event.actorName, action: event.action, reason: event.reason,
            changes: changes(
                before: PersonalData.resolved(event.before, texts), after: PersonalData.resolved(event.after, texts)))
    }

    /// The fields that differ between two snapshots. The id and the timestamps the server sets are
    /// left out, and so are fields a new record leaves empty.
    package static func changes(before: String?, after: String?) -> [Change] {
        let old = AuditValue.decode(before)
        let new = AuditValue.decode(after)
        return Set(old.keys).union(new.keys).sorted()
            .filter { !serverSet.contains($0) && old[$0] != new[$0] && (old[$0] != nil || new[$0] != .null) }
            .map { Change(field: $0, before: old[$0]?.display, after: new[$0]?.display) }
    }

    private static let serverSet: Set<String> = ["id", "created_at", "updated_at"]

    /// An entry as the `history-table` partial shows it. An absent value is empty text: a missing
    /// key would make Mustache show the page's own value of that name (a sample's `reason`). A page
    /// that includes the partial has `history: [History.Row]` and `hasHistory: Bool`.
    package struct Row: Encodable, Sendable {
        package struct Change: Encodable, Sendable {
            package let field: String
            package let before: String
            package let after: String

            package init(_ change: History.Change) {
                (field, before, after) = (change.field, change.before ?? "", change.after ?? "")
            }
        }
        package let at: String
        package let actor: String
        package let action: String
        package let reason: String
        package let changes: [Change]

        /// `time`: the lab's clock, which the audit trail's UTC time is shown on.
        package init(_ entry: Entry, time: LabTime) {
            at = Timestamp.parse(entry.at).map(time.text) ?? entry.at
            (actor, action, reason) = (entry.actor, entry.action, entry.reason ?? "")
            changes = entry.changes.map(Change.init)
        }
    }
}
