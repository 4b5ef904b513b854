import Foundation
import GRDB

/// A record keyed by SQLite's rowid, `id`, which bulk inserts assign themselves.
protocol RowIDRecord {
    var id: Int64? { get set }
}

extension AuditedWrite {
    /// Many new rows (an import, the demo data), each with the event ``insert(_:action:reason:)``
    /// writes. What does not depend on the new id (the row's values, its audit snapshot around the
    /// id) is prepared on another core while the writer inserts the rows before it; the writer
    /// runs one prepared statement, reads the chain head once, and fills the table's full-text
    /// index for all rows at the end (row by row, FTS5 costs more than the rest of the insert).
    func insertAll<R: AuditedRecord & RowIDRecord>(_ records: inout [R], action: String = "create") throws {
        guard let first = records.first else { return }
        let columns = try first.databaseDictionary.keys.filter { $0 != "id" }.sorted()
        let insert = try db.cachedStatement(
            sql: "INSERT INTO \(R.databaseTableName.quotedDatabaseIdentifier) "
                + "(\(columns.map(\.quotedDatabaseIdentifier).joined(separator: ", "))) "
                + "VALUES (\(databaseQuestionMarks(count: columns.count)))")
        let preparation = BulkPreparation(records, columns: columns)
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
                after: row.snapshot(id: id))
        }
        // The single writer gives new rows ids above every existing one.
        try suspended?.resume(indexingRowsFrom: firstID ?? 0)
    }
}

/// The rows of one ``AuditedWrite/insertAll(_:action:)``, prepared in order on a worker thread
/// at most `window` rows ahead of the writer.
private final class BulkPreparation: @unchecked Sendable {
    struct Row: Sendable {
        let arguments: StatementArguments
        /// The snapshot JSON before and after the id's value (keys are sorted, so "id" has a fixed place).
        let head: [UInt8]
        let tail: [UInt8]

        func snapshot(id: Int64) -> String { String(decoding: head + String(id).utf8 + tail, as: UTF8.self) }
    }

    private let condition = NSCondition()
    private var rows: [Int: Result<Row, any Error>] = [:]
    private var taken = 0
    private var stopped = false
    private let window = 4096

    init<R: AuditedRecord>(_ records: [R], columns: [String]) {
        let keys = AuditValue.sortedKeys(columns.filter { !R.auditRedacted.contains($0) })
        let split = keys.firstIndex { "id".utf8.lexicographicallyPrecedes($0.utf8) } ?? keys.count
        Thread.detachNewThread { [self] in
            for (index, record) in records.enumerated() {
                let row = Result { try Self.prepare(record, columns: columns, keys: keys, split: split) }
                condition.lock()
                while index - taken >= window && !stopped { condition.wait() }
                if stopped {
                    condition.unlock()
                    return
                }
                rows[index] = row
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    private static func prepare<R: AuditedRecord>(_ record: R, columns: [String], keys: [String], split: Int) throws
        -> Row
    {
        let values = try record.databaseDictionary
        let pairs = keys.map { ($0, AuditValue(values[$0] ?? .null)) }
        var head: [UInt8] = [UInt8(ascii: "{")]
        AuditValue.append(pairs[..<split], to: &head)
        head += (split > 0 ? #","id":"# : #""id":"#).utf8
        var tail: [UInt8] = []
        if split < pairs.count { tail.append(UInt8(ascii: ",")) }
        AuditValue.append(pairs[split...], to: &tail)
        tail.append(UInt8(ascii: "}"))
        return Row(arguments: StatementArguments(columns.map { values[$0] ?? .null }), head: head, tail: tail)
    }

    func take(_ index: Int) throws -> Row {
        condition.lock()
        defer { condition.unlock() }
        while rows[index] == nil { condition.wait() }
        taken = index + 1
        condition.broadcast()
        return try rows.removeValue(forKey: index)!.get()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
