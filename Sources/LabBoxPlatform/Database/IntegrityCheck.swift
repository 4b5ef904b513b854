import GRDB

/// What `labbox check` verifies about the database file.
package struct IntegrityCheck {
    package struct Finding: Sendable {
        package let name: String
        package let ok: Bool
        package let detail: String
    }

    /// What to do about a damaged file, said wherever damage is found.
    package static let restoreAdvice =
        "Restore the latest good backup into a fresh data directory (labbox restore) and keep this "
        + "directory as it is for diagnosis (docs/OPERATIONS.md, \"Faults and what LabBox promises\")."

    /// Checks the database file at `path` without writing to it. A check that SQLite cannot even
    /// run on a damaged file is a failed finding naming SQLite's error, not a crash of the command.
    package static func run(path: String, migrations: Migrations = .embedded) throws -> [Finding] {
        // Kept outside the read: on a damaged file SQLite may fail even the read's closing COMMIT.
        var findings: [Finding] = []
        do {
            try AppDatabase.inspect(path: path) { db in findings = checks(db, migrations: migrations) }
        } catch let error as DatabaseError {
            let name = findings.isEmpty ? "integrity_check" : "database"
            findings.append(Finding(name: name, ok: false, detail: "SQLite cannot read the file: \(error)"))
        }
        return findings
    }

    private static func checks(_ db: Database, migrations: Migrations) -> [Finding] {
        [
            finding("integrity_check") {
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                return (integrity == ["ok"], summary(integrity))
            },
            finding("foreign_key_check") {
                let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                return (
                    foreignKeys.isEmpty,
                    foreignKeys.isEmpty
                        ? "ok"
                        : foreignKeys.prefix(5).map { "\($0["table"] ?? "?") rowid \($0["rowid"] ?? "?")" }
                            .joined(separator: "; ")
                )
            },
            finding("migrations") {
                let statuses = try migrations.status(db)
                let broken = statuses.filter { $0.state != .applied }
                return (
                    broken.isEmpty,
                    broken.isEmpty
                        ? "\(statuses.count) applied"
                        : broken.map { "\($0.id): \($0.state.rawValue)" }.joined(separator: "; ")
                )
            },
            finding("audit_chain") {
                guard try db.tableExists("audit_events") else { return (true, "no audit trail yet") }
                let audit = try AuditTrail.verify(db)
                return (
                    audit.isIntact,
                    audit.problem ?? "\(audit.count) events, head \(audit.headHash.prefix(16))…"
                )
            },
        ]
    }

    /// SQLite's findings on one line: the first few, each on a line of its own in its answer.
    private static func summary(_ rows: [String]) -> String {
        rows.flatMap { $0.split(separator: "\n") }.prefix(4).joined(separator: "; ")
    }

    private static func finding(_ name: String, _ body: () throws -> (Bool, String)) -> Finding {
        do {
            let (ok, detail) = try body()
            return Finding(name: name, ok: ok, detail: detail)
        } catch {
            return Finding(name: name, ok: false, detail: "SQLite cannot read the file: \(error)")
        }
    }

    /// The damage SQLite's `quick_check` finds in the file at `path` (read-only; it reads every
    /// page, about a second per gigabyte from the page cache), or nil when the file is sound.
    /// Checked before a command opens the database for writing, so that nothing writes into a
    /// damaged file and makes it worse.
    package static func damage(path: String) -> String? {
        do {
            let result = try AppDatabase.inspect(path: path) { try String.fetchAll($0, sql: "PRAGMA quick_check") }
            return result == ["ok"] ? nil : summary(result)
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
            || error.resultCode == .SQLITE_IOERR
        {
            return "\(error)"
        } catch {
            return nil
        }
    }
}
