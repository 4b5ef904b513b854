import Foundation
import GRDB
import Logging

/// Owns the SQLite database: the `DatabasePool` (one writer, many readers, WAL) and its migrations.
///
/// Every read and write of the application goes through ``read(_:)`` and ``write(_:)`` so that
/// the time spent waiting for a connection is measured in one place.
final class AppDatabase: Sendable {
    let pool: DatabasePool
    let path: String
    let migrations: Migrations

    init(path: String, config: AppConfig, migrations: Migrations = .embedded) throws {
        var configuration = Configuration()
        // Applies to the writer; GRDB gives WAL readers their own 10 s timeout for the rare cases
        // (recovery, last connection closing) where a reader can meet a lock.
        configuration.busyMode = .timeout(Double(config.busyTimeoutMilliseconds) / 1000)
        configuration.maximumReaderCount = config.maxReaders
        configuration.foreignKeysEnabled = true
        let synchronous = config.synchronous.rawValue.uppercased()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        self.migrations = migrations
        let journalMode = try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        guard journalMode == "wal" else {
            throw DatabaseOpenError(message: "SQLite reports journal_mode=\(journalMode ?? "?"), expected wal")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let requested = ContinuousClock.now
        return try await pool.read { db in
            DatabaseMetrics.readWait.record(ContinuousClock.now - requested)
            return try body(db)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let requested = ContinuousClock.now
        return try await pool.write { db in
            DatabaseMetrics.writeWait.record(ContinuousClock.now - requested)
            return try body(db)
        }
    }

    /// The PRAGMA values the data layer promises, as the writer connection reports them.
    func pragmas() throws -> [String: String] {
        try pool.writeWithoutTransaction { db in
            var values: [String: String] = [:]
            for name in ["journal_mode", "synchronous", "foreign_keys", "busy_timeout"] {
                values[name] = try String.fetchOne(db, sql: "PRAGMA \(name)")
            }
            return values
        }
    }

    /// Folds the WAL back into the main file and closes every connection, leaving a clean single file.
    func close() throws {
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
        try pool.close()
    }
}

struct DatabaseOpenError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
