import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import Testing

/// A data directory made by release 0.1.0 (`Tests/fixtures/labbox-0.1.0.db`: `labbox demo-data`
/// with a few of everything, a director with a second factor, a signing key from `labbox keys
/// rotate`) is upgraded by this build as an operator would: `labbox migrate`, then `labbox check`.
/// Every later schema change must keep this green (issue 22).
@Suite struct UpgradeTests {
    static let fixture = packageRoot.appendingPathComponent("Tests/fixtures/labbox-0.1.0.db")

    private func counts(_ path: String) async throws -> [String: Int] {
        try await DatabaseQueue(path: path).read { db in
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name NOT LIKE '%_fts%' ORDER BY name
                    """)
            return try tables.reduce(into: [:]) { counts, table in
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)")
            }
        }
    }

    @Test func aReleaseZeroOneDatabaseMigratesWithEveryRecordAndItsAuditChain() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path + "/labbox.db"
        try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: database)
        let before = try await counts(database)
        #expect(before["samples"] ?? 0 > 0 && before["audit_events"] ?? 0 > 0 && before["signing_keys"] == 1)

        let migrated = try await LabBoxProcess.run(["migrate", "--data", directory.path])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stderr.contains("sealed 1 second-factor secrets"), "\(migrated.stderr)")
        let check = try await LabBoxProcess.run(["check", "--data", directory.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("audit_chain: \(before["audit_events"] ?? 0) events"), "\(check.stdout)")

        let after = try await counts(database)
        let bookkeeping: Set = ["signing_keys", "grdb_migrations", "schema_checksums"]
        for (table, count) in before where !bookkeeping.contains(table) {
            #expect(after[table] == count, "\(table): \(count) before, \(after[table] ?? -1) after")
        }
        #expect(after["grdb_migrations"] == Migrations.embedded.list.count)
        // Migration 0019: the plain signing key goes; a sealed one is made on first use.
        #expect(after["signing_keys"] == 0)
        let director = try #require(
            try await DatabaseQueue(path: database).read { db in
                try User.filter(User.CodingKeys.email == "director@lab.example").fetchOne(db)
            })
        let secrets = try SecretBox.load(directory: URL(fileURLWithPath: directory.path))
        #expect(SecretBox.isSealed(director.totpSecret ?? ""))
        #expect(TwoFactor.secret(of: director, secrets: secrets) == "JBSWY3DPEHPK3PXPabcd")
    }
}
