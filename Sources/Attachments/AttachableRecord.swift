import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A kind of record files can be attached to, as its own feature declares it: how the trail names
/// it, how to tell that one exists, who may see and change it, and where its page is. Attachments
/// sits beneath the records' features, so it learns them from the composition root (decision 0031).
package struct AttachableRecord: Sendable {
    /// The entity type, as the audit trail names it: `animal`, `lab_order`, `invoice`…
    package let entity: String
    /// What people call it (`order`).
    package let noun: String
    package let read: Permission
    package let write: Permission
    /// The record's page is `<page>/<id>`.
    package let page: String
    /// The `…/lookup` route a picker asks to find one (a task's record); nil for a kind without one.
    package let lookup: String?
    private let exists: @Sendable (Database, Int64) throws -> Bool

    package init<R: AuditedRecord & TableRecord>(
        _: R.Type, noun: String, read: Permission, write: Permission, page: String, lookup: String?
    ) {
        entity = R.auditEntity
        self.noun = noun
        self.read = read
        self.write = write
        self.page = page
        self.lookup = lookup
        exists = { db, id in try R.exists(db, key: id) }
    }

    /// A soft-deleted record takes no new files.
    package init<R: SoftDeletable>(
        _: R.Type, noun: String, read: Permission, write: Permission, page: String, lookup: String
    ) {
        entity = R.auditEntity
        self.noun = noun
        self.read = read
        self.write = write
        self.page = page
        self.lookup = lookup
        exists = { db, id in try R.fetchOne(db, key: id).map { $0.deletedAt == nil } ?? false }
    }

    package func exists(_ db: Database, id: Int64) throws -> Bool { try exists(db, id) }
}

/// Every kind of record that takes attachments (and tasks, comments and notes: decision 0034), by
/// entity type.
package struct AttachableRecords: Sendable {
    package let all: [AttachableRecord]

    package init(_ all: [AttachableRecord]) {
        self.all = all
    }

    package subscript(entity entity: String) -> AttachableRecord? { all.first { $0.entity == entity } }

    package var entities: [String] { all.map(\.entity) }

    /// The kinds `principal` may read.
    package func readable(by principal: Principal?) -> [String] {
        all.filter { principal?.can($0.read) == true }.map(\.entity)
    }

    /// The kind `entityType` names, or 422 naming the field; `subject` is what belongs to the
    /// record ("Files", "A task").
    package func record(_ entityType: String?, subject: String) throws -> AttachableRecord {
        guard let entityType, !entityType.isEmpty else {
            throw APIError.validationFailed("Say which kind of record this is about.", field: "entity_type")
        }
        guard let record = self[entity: entityType] else {
            throw APIError.validationFailed(
                "\(subject) can belong to: \(entities.joined(separator: ", ")).", field: "entity_type")
        }
        return record
    }

    /// That `principal` may read (or change) records of this kind, and that record `id` exists (a
    /// soft-deleted one does not), inside the caller's transaction: 403, or 422 on `entity_id`.
    package func check(_ record: AttachableRecord, id: Int64, db: Database, principal: Principal?, write: Bool)
        throws
    {
        let permission = write ? record.write : record.read
        guard principal?.can(permission) == true else {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "You do not have permission for this \(record.noun) (\(permission)).")
        }
        guard try record.exists(db, id: id) else {
            throw APIError.validationFailed("There is no \(record.noun) with id \(id).", field: "entity_id")
        }
    }
}
