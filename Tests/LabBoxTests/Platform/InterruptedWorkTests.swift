import Foundation
import GRDB
import LabBoxApp
import LabBoxPlatform
import Testing

/// What a `kill -9` in the middle of a migration, a backup or a restore leaves behind must not be
/// mistaken for a result, nor pile up, nor break the next run (issue 22; scripts/test-faults kills
/// the release binary at random moments).
@Suite struct InterruptedWorkTests {
    @Test func aMigrationCopyIsOnlyEverWholeUnderItsName() async throws {
        let directory = try TemporaryDirectory()
        var config = AppConfig()
        config.dataDirectory = directory.path
        try FileManager.default.copyItem(atPath: UpgradeTests.fixture.path, toPath: config.databasePath)
        // What a migration killed in the middle of its copy leaves.
        try FileManager.default.createDirectory(atPath: config.backupsDirectory, withIntermediateDirectories: true)
        try Data(repeating: 7, count: 4096).write(
            to: URL(fileURLWithPath: config.backupsDirectory + "/.pre-migrate.db.partial"))

        let database = try AppDatabase(path: config.databasePath, config: config)
        try database.migrations.apply(to: database.pool, backupDirectory: config.backupsDirectory)
        try database.close()

        let left = try FileManager.default.contentsOfDirectory(atPath: config.backupsDirectory)
        #expect(left.count == 1 && left[0].hasPrefix("pre-migrate-"), "\(left)")
        let check = try AppDatabase.inspect(path: config.backupsDirectory + "/" + left[0]) {
            try String.fetchOne($0, sql: "PRAGMA quick_check")
        }
        #expect(check == "ok")
    }

    @Test func aBackupRemovesStagingThatAKilledBackupLeftButNotOneInUse() async throws {
        let server = try TestServer()
        let backups = server.services.backups.directory
        try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
        let abandoned = backups.appendingPathComponent(".staging-killed")
        let inUse = backups.appendingPathComponent(".staging-running")
        for staging in [abandoned, inUse] {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            try Data(repeating: 1, count: 1024).write(to: staging.appendingPathComponent("labbox.db"))
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: staging.path)
        }
        let hold = open(inUse.path, O_RDONLY | O_DIRECTORY)
        defer { close(hold) }
        #expect(flock(hold, LOCK_EX) == 0)

        _ = try await server.services.backups.create()

        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
        #expect(FileManager.default.fileExists(atPath: inUse.path))
    }

    @Test func restoringTwiceWithinASecondKeepsBothReplacedDirectories() async throws {
        let server = try TestServer()
        let archive = try await server.services.backups.create().archive
        let target = try TemporaryDirectory()
        let data = URL(fileURLWithPath: target.path + "/data")
        #expect(try BackupCheck.restore(archive, key: nil, into: data, force: false) == nil)
        let first = try #require(try BackupCheck.restore(archive, key: nil, into: data, force: true))
        let second = try #require(try BackupCheck.restore(archive, key: nil, into: data, force: true))
        #expect(first != second)
        for directory in [data, first, second] {
            #expect(FileManager.default.fileExists(atPath: directory.path + "/labbox.db"))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path)
        #expect(!names.contains { $0.contains(".restoring-") }, "\(names)")
    }
}
