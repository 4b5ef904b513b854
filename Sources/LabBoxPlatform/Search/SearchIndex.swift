import Foundation
import GRDB

/// A table's external-content FTS5 index, kept by its insert trigger.
package struct SearchIndex: Sendable {
    /// The query as an FTS5 expression: every word must appear, each as a prefix, with FTS5's own
    /// syntax characters neutralised by quoting.
    package static func matchExpression(_ query: String) -> String? {
        // Control characters (a NUL made SQLite refuse the whole expression) separate words.
        let words = query.split(whereSeparator: {
            $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }).prefix(10)
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " ")
    }

    package let table: String
    package let index: String
    package let trigger: String
    package let columns: [String]
    /// The table where the insert trigger leaves new rows' ids for ``catchUp(_:)``, when the index
    /// is kept in batches (migration 0017) rather than in each writing transaction.
    package var backlog: String? = nil

    /// Indexes the rows in the backlog, in one write. Searches call it before they read, so they
    /// find every row written before them; ``SearchIndexer`` calls it about once a second.
    package func catchUp(_ database: AppDatabase) async throws {
        guard let backlog else { return }
        let waiting = try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(backlog))") ?? false
        }
        guard waiting else { return }
        let columns = columns.joined(separator: ", ")
        do {
            try await database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO \(index) (rowid, \(columns))
                        SELECT rowid, \(columns) FROM \(table) WHERE rowid IN (SELECT rowid FROM \(backlog));
                        DELETE FROM \(backlog);
                        """)
            }
        } catch let error where database.storageFault(of: error) != nil {
            // A full or read-only disk must not fail a search, which only reads: it finds what is
            // indexed, and the backlog is indexed once the disk takes writes again.
        }
    }

    /// While suspended, inserted rows are not indexed; ``Suspension/resume(indexingRowsFrom:)``
    /// puts the trigger back exactly as the migration wrote it and indexes the new rows in one
    /// statement. Both happen in the caller's transaction, so no reader ever sees them apart.
    package struct Suspension {
        package let db: Database
        package let index: SearchIndex
        package let triggerSQL: String

        package func resume(indexingRowsFrom firstID: Int64) throws {
            try db.execute(sql: triggerSQL)
            let columns = index.columns.joined(separator: ", ")
            try db.execute(
                sql: """
                    INSERT INTO \(index.index) (rowid, \(columns))
                    SELECT rowid, \(columns) FROM \(index.table) WHERE rowid >= ?
                    """, arguments: [firstID])
        }
    }

    package func suspend(_ db: Database) throws -> Suspension {
        guard
            let sql = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [trigger])
        else { throw DatabaseError(message: "trigger \(trigger) is missing") }
        try db.execute(sql: "DROP TRIGGER \(trigger)")
        return Suspension(db: db, index: self, triggerSQL: sql)
    }

    package init(table: String, index: String, trigger: String, columns: [String], backlog: String? = nil) {
        self.table = table
        self.index = index
        self.trigger = trigger
        self.columns = columns
        self.backlog = backlog
    }
}
