import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Synchronization
import Testing

@Suite struct BackupTests {
    private static func rows(_ path: String) throws -> [String] {
        try AppDatabase.inspect(path: path) { db in
            try String.fetchAll(db, sql: "SELECT id || ':' || external_id || ':' || status FROM samples ORDER BY id")
        }
    }

    @Test func aBackupTakenDuringWritesVerifiesAndRestoresToTheSameData() async throws {
        let server = try TestServer()
        try await addSamples(server, 200, prefix: "BEFORE")
        let writing = Atomic<Bool>(true)
        let writer = Task {
            var index = 0
            while writing.load(ordering: .relaxed) {
                try await addSamples(server, 1, prefix: "DURING-\(index)")
                index += 1
            }
            return index
        }
        try await Task.sleep(for: .milliseconds(50))
        let created = try await server.services.backups.create()
        writing.store(false, ordering: .relaxed)
        let writtenDuring = try await writer.value
        #expect(writtenDuring > 0)

        let report = BackupCheck.verify(created.archive)
        #expect(report.passed, "\(report.checks.map { "\($0.name): \($0.detail)" })")
        #expect(
            report.checks.map(\.name) == ["archive", "checksums", "integrity", "audit chain", "row counts", "schema"])

        let target = try TemporaryDirectory()
        let data = URL(fileURLWithPath: target.path + "/restored")
        #expect(try BackupCheck.restore(created.archive, into: data, force: false) == nil)
        let restored = try Self.rows(data.path + "/labbox.db")
        let original = try Self.rows(server.services.database.path)
        // The copy is one snapshot: exactly the rows committed before it, nothing half-written.
        #expect(restored.count == created.manifest.rowCounts["samples"])
        #expect(restored == Array(original.prefix(restored.count)))
        #expect(restored.count >= 200)
        let audit = try AppDatabase.inspect(path: data.path + "/labbox.db") { try AuditTrail.verify($0) }
        #expect(audit.isIntact)
        #expect(audit.headHash == created.manifest.auditHeadHash)
    }

    @Test func aDamagedArchiveFailsVerificationAndIsNotRestored() async throws {
        let server = try TestServer()
        try await addSamples(server, 20, prefix: "S")
        let created = try await server.services.backups.create()
        var bytes = try Data(contentsOf: created.archive)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: created.archive)
        let report = BackupCheck.verify(created.archive)
        #expect(!report.passed)
        let target = try TemporaryDirectory()
        #expect(throws: BackupCheck.RestoreError.self) {
            try BackupCheck.restore(created.archive, into: URL(fileURLWithPath: target.path + "/data"), force: true)
        }
        #expect(!FileManager.default.fileExists(atPath: target.path + "/data/labbox.db"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
    }

    @Test func restoreRefusesFullDirectoriesUnlessForcedAndBackupsFromANewerLabBox() async throws {
        let server = try TestServer()
        try await addSamples(server, 5, prefix: "OLD")
        let good = try await server.services.backups.create()
        try await server.services.database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_future')")
        }
        let future = try await server.services.backups.create(
            to: URL(fileURLWithPath: server.directory.path + "/future.tar.gz"))

        let target = try TemporaryDirectory()
        let data = URL(fileURLWithPath: target.path + "/data")
        #expect(try BackupCheck.restore(good.archive, into: data, force: false) == nil)
        #expect {
            try BackupCheck.restore(good.archive, into: data, force: false)
        } throws: { ($0 as? BackupCheck.RestoreError)?.description.contains("--force") == true }
        let aside = try #require(try BackupCheck.restore(good.archive, into: data, force: true))
        #expect(FileManager.default.fileExists(atPath: aside.path + "/labbox.db"))
        #expect {
            try BackupCheck.restore(future.archive, into: URL(fileURLWithPath: target.path + "/other"), force: false)
        } throws: { ($0 as? BackupCheck.RestoreError)?.description.contains("newer LabBox") == true }
    }

    @Test func rotationKeepsTheNewestPerDayAndPerWeek() {
        let names = [
            "labbox-20261125-023000.tar.gz", "labbox-20261125-120000.tar.gz", "labbox-20261124-023000.tar.gz",
            "labbox-20261123-023000.tar.gz", "labbox-20261122-023000.tar.gz", "labbox-20261115-023000.tar.gz",
            "labbox-20261108-023000.tar.gz", "labbox-20261101-023000.tar.gz", "pre-migrate-x.db",
        ]
        // 2026-11-22 is a Sunday: ISO weeks run Monday to Sunday.
        let kept = Backups.keep(names, daily: 2, weekly: 3)
        #expect(
            kept == [
                "labbox-20261125-120000.tar.gz", "labbox-20261124-023000.tar.gz", "labbox-20261122-023000.tar.gz",
                "labbox-20261115-023000.tar.gz",
            ])
    }

    @Test func theCommandLineBacksUpVerifiesAndRestoresAndAFileCopyWorksToo() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        #expect(try LabBoxProcess.run(["demo-data", "--data", data, "--samples", "50"]).status == 0)
        let archive = directory.path + "/nightly.tar.gz"
        let backup = try LabBoxProcess.run(["backup", "--data", data, "--to", archive])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.hasPrefix("OK \(archive)"))
        let verify = try LabBoxProcess.run(["backup", "verify", archive])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("ok   audit chain"))

        // A server holds the data directory: restore must not pull it from under it.
        let server = try RunningServer(directory: directory.path, arguments: ["--data", data])
        let refused = try LabBoxProcess.run(["restore", archive, "--data", data, "--force"])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("server is using this data directory"))
        #expect(server.terminate() == 0)

        let restored = try LabBoxProcess.run(["restore", archive, "--data", directory.path + "/restored"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try LabBoxProcess.run(["audit", "verify", "--data", directory.path + "/restored"]).status == 0)
        #expect(try Self.rows(directory.path + "/restored/labbox.db") == (try Self.rows(data + "/labbox.db")))

        // The documented cold backup: service stopped, directory copied.
        try FileManager.default.copyItem(atPath: data, toPath: directory.path + "/copy")
        #expect(try LabBoxProcess.run(["check", "--data", directory.path + "/copy"]).status == 0)
        #expect(try Self.rows(directory.path + "/copy/labbox.db") == (try Self.rows(data + "/labbox.db")))
    }
}
