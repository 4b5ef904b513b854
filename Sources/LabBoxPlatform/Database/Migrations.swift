import Crypto
import Embedded
import Foundation
import GRDB

/// The numbered SQL files of `Resources/migrations/`, applied through GRDB's `DatabaseMigrator`.
///
/// GRDB records which migrations ran; LabBox adds a SHA-256 of each file so that a database whose
/// history differs from this binary's (edited migration, or a newer LabBox) is refused untouched.
package struct Migrations: Sendable {
    package struct Migration: Sendable {
        package let id: String
        package let sql: String
        package var checksum: String { SHA256.hash(data: Data(sql.utf8)).hex }

        package init(id: String, sql: String) {
            self.id = id
            self.sql = sql
        }
    }

    package enum State: String, Sendable {
        case applied, pending
        case changed = "CHECKSUM MISMATCH"
        case unknown = "UNKNOWN TO THIS BINARY"
    }

    package struct Status: Sendable {
        package let id: String
        package let state: State
        package let appliedAt: String?
    }

    package let list: [Migration]

    package static let embedded = Migrations(
        list: EmbeddedFiles.paths(under: "migrations/").filter { $0.hasSuffix(".sql") }.map { path in
            let name = String(path.dropFirst("migrations/".count).dropLast(".sql".count))
            return Migration(id: name, sql: EmbeddedFiles.text(path) ?? "")
        })

    private var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in list {
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: migration.sql)
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS schema_checksums (
                            id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)
                        """)
                try db.execute(
                    sql: "INSERT INTO schema_checksums (id, checksum, applied_at) VALUES (?, ?, ?)",
                    arguments: [migration.id, migration.checksum, Date().formatted(.iso8601)])
            }
        }
        return migrator
    }

    package func status(_ db: Database) throws -> [Status] {
        let applied = try migrator.appliedIdentifiers(db)
        var recorded: [String: (checksum: String, at: String)] = [:]
        if try db.tableExists("schema_checksums") {
            for row in try Row.fetchAll(db, sql: "SELECT id, checksum, applied_at FROM schema_checksums") {
                recorded[row["id"]] = (row["checksum"], row["applied_at"])
            }
        }
        var result = list.map { migration -> Status in
            guard applied.contains(migration.id) else {
                return Status(id: migration.id, state: .pending, appliedAt: nil)
            }
            let record = recorded[migration.id]
            let state: State = record?.checksum == migration.checksum ? .applied : .changed
            return Status(id: migration.id, state: state, appliedAt: record?.at)
        }
        let known = Set(list.map(\.id))
        for id in applied.subtracting(known).sorted() {
            result.append(Status(id: id, state: .unknown, appliedAt: recorded[id]?.at))
        }
        return result
    }

    /// The status of the database file at `path`, read without writing anything (see
    /// ``AppDatabase/inspect(path:_:)``). A missing file has every migration pending.
    package func status(databaseAt path: String) throws -> [Status] {
        guard FileManager.default.fileExists(atPath: path) else {
            return list.map { Status(id: $0.id, state: .pending, appliedAt: nil) }
        }
        return try AppDatabase.inspect(path: path) { try status($0) }
    }

    /// Throws when the database's history is not a prefix of this binary's migrations.
    package func assertCompatible(databaseAt path: String) throws {
        try assertCompatible(try status(databaseAt: path))
    }

    private func assertCompatible(_ statuses: [Status]) throws {
        if let unknown = statuses.first(where: { $0.state == .unknown }) {
            throw MigrationError.newerDatabase(migration: unknown.id)
        }
        if let changed = statuses.first(where: { $0.state == .changed }) {
            throw MigrationError.checksumMismatch(migration: changed.id)
        }
    }

    /// Refuses a database this binary must not touch; otherwise applies what is pending, each
    /// migration in its own transaction, after copying a non-empty database into `backupDirectory`.
    /// Returns the ids it applied.
    @discardableResult
    package func apply(to pool: DatabasePool, backupDirectory: String) throws -> [String] {
        let current = try pool.read { try status($0) }
        try assertCompatible(current)
        let pending = current.filter { $0.state == .pending }.map(\.id)
        guard !pending.isEmpty else { return [] }
        let isEmpty = try pool.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") == 0
        }
        if !isEmpty {
            try FileManager.default.createDirectory(atPath: backupDirectory, withIntermediateDirectories: true)
            let stamp = Date().formatted(.iso8601).replacingOccurrences(of: ":", with: "")
            let copy = "\(backupDirectory)/pre-migrate-\(stamp).db"
            // VACUUM INTO makes a consistent copy even while other connections hold the WAL open.
            // It is written under a hidden name and renamed when whole: a kill in the middle must
            // not leave a file that looks like a copy to restore from (scripts/test-faults).
            let partial = "\(backupDirectory)/.pre-migrate.db.partial"
            try? FileManager.default.removeItem(atPath: partial)
            try pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [partial]) }
            guard rename(partial, copy) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: copy])
            }
        }
        try migrator.migrate(pool)
        return pending
    }

    package init(list: [Migration]) {
        self.list = list
    }
}

package enum MigrationError: Error, CustomStringConvertible {
    case newerDatabase(migration: String)
    case checksumMismatch(migration: String)

    package var description: String {
        switch self {
        case .newerDatabase(let id):
            "the database has migration \(id), which this labbox binary does not know: it was written by a "
                + "newer LabBox. Run that version, or restore a backup made before the upgrade. Nothing was changed."
        case .checksumMismatch(let id):
            "migration \(id) in the database differs from the one in this binary (checksum mismatch): the "
                + "schema history was altered. Nothing was changed; restore a backup or contact support."
        }
    }
}
