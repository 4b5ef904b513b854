import GRDB

/// A record keyed by SQLite's rowid, `id`, which inserts assign themselves: the insert writes the
/// new id back into the record, and its audit events name it by that id.
package protocol RowIDRecord: MutablePersistableRecord {
    var id: Int64? { get set }
}

extension RowIDRecord {
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AuditedRecord where Self: RowIDRecord {
    package var auditID: String { String(id ?? 0) }
}
