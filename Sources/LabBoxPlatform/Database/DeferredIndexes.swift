import GRDB

/// A table's lookup indexes set aside during a bulk load and built again at its end.
///
/// SQLite keeps each index in order row by row; for keys that arrive in random order (a sample's
/// collection time, its animal) nearly every row lands on another page. Building an index once,
/// from all rows sorted, is far cheaper: a million samples took 12.7 s to insert with their
/// indexes and 7.1 s to insert without them and build them afterwards (docs/BENCHMARKS.md).
/// Unique indexes stay, so a load still meets every constraint as it writes; the others are built
/// again exactly as their migrations wrote them.
package struct DeferredIndexes: Sendable {
    private let statements: [String]

    /// Drops the indexes of `table` that are neither unique nor SQLite's own.
    package init(table: String, in db: Database) throws {
        let indexes = try Row.fetchAll(
            db,
            sql: """
                SELECT name, sql FROM sqlite_master
                WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
                """, arguments: [table])
        for index in indexes {
            try db.execute(sql: "DROP INDEX \((index["name"] as String).quotedDatabaseIdentifier)")
        }
        statements = indexes.map { $0["sql"] }
    }

    package func rebuild(in db: Database) throws {
        for statement in statements { try db.execute(sql: statement) }
    }
}
