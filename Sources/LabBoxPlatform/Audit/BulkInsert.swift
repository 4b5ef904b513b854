import Foundation
import GRDB
import Synchronization

extension AuditedWrite {
    /// ``insert(_:action:reason:)`` for a record keyed by rowid, written the way ``insertAll(_:action:)``
    /// writes each row: the record is encoded once, for its row and for its snapshot, and inserted by
    /// a cached statement. GRDB's own insert encodes it a second time and builds its statement
    /// anew, and creates are the API's busiest write.
    package func insert<R: AuditedRecord & RowIDRecord>(
        _ record: inout R, action: String = "create", reason: String? = nil
    )
        throws
    {
        let values = try record.columnValues
        let shape = RowShape.of(R.self, columns: values.keys.filter { $0 != "id" || record.id != nil })
        let row = shape.row(values)
        try db.cachedStatement(sql: shape.insertSQL).execute(arguments: row.arguments)
        let id = db.lastInsertedRowID
        record.id = id
        try AuditTrail.append(
            db, context, action: action, entityType: R.auditEntity, entityID: record.auditID,
            after: try snapshots(R.self, [try record.columnValues], plain: [row.snapshot(id: id)])[0], reason: reason)
    }

    /// Many new rows (an import, the demo data), each with the event ``insert(_:action:reason:)``
    /// writes. What does not depend on the new id (the row's values, its audit snapshot around the
    /// id) is prepared on another core while the writer inserts the rows before it; the writer
    /// runs one prepared statement, reads the chain head once, and fills the table's full-text
    /// index for all rows at the end (row by row, FTS5 costs more than the rest of the insert).
    package func insertAll<R: AuditedRecord & RowIDRecord>(_ records: inout [R], action: String = "create") throws {
        guard let first = records.first else { return }
        let shape = RowShape.of(R.self, columns: try first.columnValues.keys.filter { $0 != "id" })
        let insert = try db.cachedStatement(sql: shape.insertSQL)
        let preparation = BulkPreparation(records, shape: shape)
        defer { preparation.stop() }
        let suspended = try R.searchIndex.map { try $0.suspend(db) }
        var chain = try AuditTrail.Chain(db)
        var firstID: Int64?
        for index in records.indices {
            let row = try preparation.take(index)
            try insert.execute(arguments: row.arguments)
            let id = db.lastInsertedRowID
            firstID = firstID ?? id
            records[index].id = id
            try chain.append(
                db, context, action: action, entityType: R.auditEntity, entityID: records[index].auditID,
                after: try snapshots(R.self, [try records[index].columnValues], plain: [row.snapshot(id: id)])[0])
        }
        // The single writer gives new rows ids above every existing one.
        try suspended?.resume(indexingRowsFrom: firstID ?? 0)
    }
}

/// The columns an insert writes and the audit snapshot's keys, sorted, with the place of "id"
/// among them: the snapshot is written before the row has its id.
private struct RowShape: Sendable {
    struct Row: Sendable {
        let arguments: StatementArguments
        /// The snapshot JSON before and after the id's value (keys are sorted, so "id" has a fixed place).
        let head: [UInt8]
        let tail: [UInt8]

        func snapshot(id: Int64) -> String { String(decoding: head + String(id).utf8 + tail, as: UTF8.self) }
    }

    let columns: [String]
    let insertSQL: String
    private let keys: [String]
    private let split: Int

    /// The columns sorted, not as a set: a set hashes each member again for its own hash and for
    /// each comparison (2 % of an API create), while sorting short column names compares their
    /// bytes in place.
    private struct Key: Hashable {
        let table: String
        let columns: [String]
    }

    /// Shapes built so far: quoting the columns and writing the statement cost as much as the insert.
    private static let built = Mutex<[Key: RowShape]>([:])

    static func of<R: AuditedRecord>(_ type: R.Type, columns: [String]) -> RowShape {
        let key = Key(table: R.databaseTableName, columns: columns.sorted())
        if let shape = built.withLock({ $0[key] }) { return shape }
        let shape = RowShape(type, sortedColumns: key.columns)
        built.withLock { $0[key] = shape }
        return shape
    }

    private init<R: AuditedRecord>(_ type: R.Type, sortedColumns: [String]) {
        columns = sortedColumns
        insertSQL =
            "INSERT INTO \(R.databaseTableName.quotedDatabaseIdentifier) "
            + "(\(self.columns.map(\.quotedDatabaseIdentifier).joined(separator: ", "))) "
            + "VALUES (\(databaseQuestionMarks(count: self.columns.count)))"
        keys = AuditValue.sortedKeys(self.columns.filter { $0 != "id" && !R.auditRedacted.contains($0) })
        split = keys.firstIndex { "id".utf8.lexicographicallyPrecedes($0.utf8) } ?? keys.count
    }

    func row(_ values: [String: DatabaseValue]) -> Row {
        let pairs = keys.map { ($0, AuditValue(values[$0] ?? .null)) }
        var head: [UInt8] = [UInt8(ascii: "{")]
        AuditValue.append(pairs[..<split], to: &head)
        head += (split > 0 ? #","id":"# : #""id":"#).utf8
        var tail: [UInt8] = []
        if split < pairs.count { tail.append(UInt8(ascii: ",")) }
        AuditValue.append(pairs[split...], to: &tail)
        tail.append(UInt8(ascii: "}"))
        // Existentials, not `[DatabaseValue]`: GRDB maps that through a key path, slowly.
        let arguments = StatementArguments(columns.map { values[$0] as (any DatabaseValueConvertible)? })
        return Row(arguments: arguments, head: head, tail: tail)
    }
}

/// The rows of one ``AuditedWrite/insertAll(_:action:)``, prepared in order on a worker thread
/// at most `window` rows ahead of the writer.
///
/// The worker is the faster of the two: once it is a window ahead it sleeps until the writer has
/// taken half of it, and each side signals the other only when the other sleeps. (Waking the
/// worker for every row taken was a thread switch per row, a fifth of the demo data's time.)
private final class BulkPreparation: @unchecked Sendable {
    private let condition = NSCondition()
    private var rows: [Int: Result<RowShape.Row, any Error>] = [:]
    private var taken = 0
    /// The row the worker prepares next.
    private var preparing = 0
    private var workerSleeps = false
    private var writerSleeps = false
    private var stopped = false
    private let window = 4096

    init<R: AuditedRecord>(_ records: [R], shape: RowShape) {
        Thread.detachNewThread { [self] in
            for (index, record) in records.enumerated() {
                let row = Result { shape.row(try record.columnValues) }
                condition.lock()
                if index - taken >= window && !stopped {
                    workerSleeps = true
                    while index - taken > window / 2 && !stopped { condition.wait() }
                    workerSleeps = false
                }
                if stopped {
                    condition.unlock()
                    return
                }
                rows[index] = row
                preparing = index + 1
                if writerSleeps { condition.broadcast() }
                condition.unlock()
            }
        }
    }

    func take(_ index: Int) throws -> RowShape.Row {
        condition.lock()
        defer { condition.unlock() }
        while rows[index] == nil {
            writerSleeps = true
            condition.wait()
        }
        writerSleeps = false
        taken = index + 1
        if workerSleeps && preparing - taken <= window / 2 { condition.broadcast() }
        return try rows.removeValue(forKey: index)!.get()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
