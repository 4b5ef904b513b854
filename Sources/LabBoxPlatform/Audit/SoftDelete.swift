import Foundation
import GRDB
import LabBoxValues

/// A record that is deleted by marking it: it leaves lists but keeps its row and history, and an
/// admin can restore it.
package protocol SoftDeletable: AuditedRecord, FetchableRecord, TableRecord {
    var deletedAt: Date? { get set }
    var updatedAt: Date { get set }
}

extension SoftDeletable {
    package static var notFound: APIError { .notFound("No such \(auditEntity).") }

    /// The record with `id` unless it is deleted, or 404.
    package static func live(_ db: Database, id: Int64) throws -> Self {
        guard let record = try fetchOne(db, key: id), record.deletedAt == nil else { throw notFound }
        return record
    }
}

extension AppDatabase {
    package func softDelete<R: SoftDeletable>(_: R.Type, id: Int64, reason: String?, context: EventContext) async throws
    {
        try await write(context) { write in
            let record = try R.live(write.db, id: id)
            var deleted = record
            deleted.deletedAt = Date()
            deleted.updatedAt = Date()
            try write.update(deleted, from: record, action: "delete", reason: reason)
        }
    }

    package func restore<R: SoftDeletable>(_: R.Type, id: Int64, reason: String?, context: EventContext) async throws
        -> R
    {
        try await write(context) { write in
            guard let record = try R.fetchOne(write.db, key: id) else { throw R.notFound }
            guard record.deletedAt != nil else { return record }
            var restored = record
            restored.deletedAt = nil
            restored.updatedAt = Date()
            try write.update(restored, from: record, action: "restore", reason: reason)
            return restored
        }
    }

    /// A record's history, newest first, or nil when there is no such record.
    package func history<R: AuditedRecord & TableRecord>(_: R.Type, id: Int64) async throws -> [History.Entry]? {
        try await read { db in
            guard try R.exists(db, key: id) else { return nil }
            return try History.entries(db, entityType: R.auditEntity, entityID: String(id))
        }
    }
}
