import Crypto
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues
import Testing

/// A damaged page in the database file (issue 22; scripts/test-faults drills it on the release
/// binary): `labbox check` names it, and `serve` refuses to start with what to do instead of
/// writing into the damaged file. Nothing touches the file.
@Suite struct DamagedDatabaseTests {
    /// A migrated data directory whose `samples` table has its first page overwritten.
    private func damagedDirectory() async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let database = directory.path + "/labbox.db"
        try FileManager.default.copyItem(atPath: UpgradeTests.fixture.path, toPath: database)
        let migrated = try await LabBoxProcess.run(["migrate", "--data", directory.path])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let (page, pageSize) = try await DatabaseQueue(path: database).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'samples'") ?? 0,
                try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            )
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: database))
        try file.seek(toOffset: UInt64((page - 1) * pageSize + 8))
        try file.write(contentsOf: Data(repeating: 0xDE, count: 256))
        try file.close()
        return (directory, database)
    }

    private func hash(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).hex
    }

    @Test func checkNamesTheDamageAndServeRefusesWithoutTouchingTheFile() async throws {
        let (directory, database) = try await damagedDirectory()
        let before = try hash(database)

        let check = try await LabBoxProcess.run(["check", "--data", directory.path])
        #expect(check.status == 5)
        #expect(check.stdout.contains("FAIL  integrity_check"), "\(check.stdout)")
        #expect(check.stdout.contains("labbox restore"), "\(check.stdout)")

        let serve = try await LabBoxProcess.run(["serve", "--data", directory.path, "--port", "0"])
        #expect(serve.status == 4)
        #expect(serve.stderr.contains("is damaged"), "\(serve.stderr)")
        #expect(serve.stderr.contains("labbox restore"), "\(serve.stderr)")

        #expect(try hash(database) == before)
        // Nothing written ahead either (a read-only look may leave an empty WAL file).
        let wal = try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int
        #expect((wal ?? 0) == 0)
    }

    /// A start skips `quick_check` only on the file a clean stop left: a byte written in place
    /// (same size) is enough to have the next start check it again.
    @Test func aCleanStopIsRememberedUntilTheFileChanges() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path + "/labbox.db"
        let migrated = try await LabBoxProcess.run(["migrate", "--data", directory.path])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(CleanClose.isUnchanged(database))

        let file = try FileHandle(forUpdating: URL(fileURLWithPath: database))
        try file.seek(toOffset: 200)
        let byte = try #require(try file.read(upToCount: 1))
        try file.seek(toOffset: 200)
        try file.write(contentsOf: byte)
        try file.close()
        #expect(!CleanClose.isUnchanged(database))
    }
}
