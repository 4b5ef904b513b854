import GRDB

/// What `labbox check` verifies about the database file.
package struct IntegrityCheck {
    package struct Finding: Sendable {
        package let name: String
        package let ok: Bool
        package let detail: String
    }

    /// Checks the database file at `path` without writing to it.
    package static func run(path: String, migrations: Migrations = .embedded) throws -> [Finding] {
        try AppDatabase.inspect(path: path) { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            let statuses = try migrations.status(db)
            let broken = statuses.filter { $0.state != .applied }
            let audit = try db.tableExists("audit_events") ? try AuditTrail.verify(db) : nil
            return [
                Finding(
                    name: "integrity_check", ok: integrity == ["ok"],
                    detail: integrity.prefix(5).joined(separator: "; ")),
                Finding(
                    name: "foreign_key_check", ok: foreignKeys.isEmpty,
                    detail: foreignKeys.isEmpty
                        ? "ok"
                        : foreignKeys.prefix(5).map { "\($0["table"] ?? "?") rowid \($0["rowid"] ?? "?")" }
                            .joined(separator: "; ")),
                Finding(
                    name: "migrations", ok: broken.isEmpty,
                    detail: broken.isEmpty
                        ? "\(statuses.count) applied"
                        : broken.map { "\($0.id): \($0.state.rawValue)" }.joined(separator: "; ")),
                Finding(
                    name: "audit_chain", ok: audit?.isIntact ?? true,
                    detail: audit.map { audit in
                        audit.broken.map { "broken at event \($0.seq): \($0.problem)" }
                            ?? (audit.missingTriggers.isEmpty
                                ? "\(audit.count) events, head \(audit.headHash.prefix(16))…"
                                : "append-only triggers missing")
                    } ?? "no audit trail yet"),
            ]
        }
    }
}
