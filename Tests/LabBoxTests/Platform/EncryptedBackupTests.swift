import Crypto
import Foundation
import GRDB
import LabBoxApp
import LabBoxPlatform
import Testing

/// Backups encrypted with `backup.encryption_key_file` (decision 0024): they verify and restore
/// with their key, and anything else — another key, no key, a changed byte, chunks moved, a file
/// cut short — is refused before the data directory is touched.
@Suite struct EncryptedBackupTests {
    /// A key file as the documentation makes one, applied through the setting.
    static func keyFile(in directory: String, name: String = "backup.key") throws -> (path: String, key: BackupKey) {
        let path = directory + "/" + name
        let raw = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        try Data((raw.base64EncodedString() + "\n").utf8).write(to: URL(fileURLWithPath: path))
        var config = AppConfig()
        try #require(ConfigKey.lookup("backup.encryption_key_file")).apply(&config, path)
        return (path, try #require(config.backupKey))
    }

    /// A server with samples and a 3 MiB attachment that does not compress, so that the archive
    /// spans several 1 MiB chunks.
    private static func server(key: BackupKey?) async throws -> TestServer {
        let server = try TestServer { $0.backupKey = key }
        try await addSamples(server, 30, prefix: "ENC")
        let attachment = server.directory.path + "/attachments/scans/plate.bin"
        try FileManager.default.createDirectory(
            atPath: server.directory.path + "/attachments/scans", withIntermediateDirectories: true)
        try Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: attachment))
        return server
    }

    private static func samples(_ path: String) throws -> [String] {
        try AppDatabase.inspect(path: path) {
            try String.fetchAll($0, sql: "SELECT external_id FROM samples ORDER BY id")
        }
    }

    @Test func anEncryptedBackupVerifiesAndRestoresWithItsKeyAndHidesItsContents() async throws {
        let keys = try TemporaryDirectory()
        let (_, key) = try Self.keyFile(in: keys.path)
        let server = try await Self.server(key: key)
        let created = try await server.services.backups.create()
        #expect(created.archive.lastPathComponent.hasSuffix(".tar.gz.enc"))
        #expect(Backups.isArchiveName(created.archive.lastPathComponent))
        #expect(try server.services.backups.list().first?.isEncrypted == true)

        let bytes = try Data(contentsOf: created.archive)
        #expect(bytes.count > 3 << 20)
        #expect(bytes.starts(with: Data("LabBoxBackupEnc1".utf8)))
        // Nothing of the manifest, the member names or the database shows through.
        for visible in ["manifest.json", "labbox.db", "SQLite format 3", "audit_head_hash", "ENC-1"] {
            #expect(bytes.range(of: Data(visible.utf8)) == nil, "\(visible) is readable in the archive")
        }

        let report = BackupCheck.verify(created.archive, key: key)
        #expect(report.passed, "\(report.checks.map { "\($0.name): \($0.detail)" })")
        #expect(report.checks.first?.detail.contains("decrypted with the key \(key.fingerprint)") == true)

        let target = try TemporaryDirectory()
        let data = URL(fileURLWithPath: target.path + "/restored")
        #expect(try BackupCheck.restore(created.archive, key: key, into: data, force: false) == nil)
        #expect(try Self.samples(data.path + "/labbox.db") == (try Self.samples(server.services.database.path)))
        #expect(
            FileManager.default.contents(atPath: data.path + "/attachments/scans/plate.bin")
                == FileManager.default.contents(atPath: server.directory.path + "/attachments/scans/plate.bin"))
        // The data directory's own secrets key never travels in a backup, encrypted or not.
        #expect(!FileManager.default.fileExists(atPath: data.path + "/" + SecretBox.fileName))

        // Plain backups made before the key was set still verify with it.
        let plain = try await Backups(
            database: server.services.database, dataDirectory: server.directory.path, key: nil
        )
        .create(to: URL(fileURLWithPath: target.path + "/plain.tar.gz"))
        let plainReport = BackupCheck.verify(plain.archive, key: key)
        #expect(plainReport.passed)
        #expect(plainReport.checks.first?.detail.contains("not encrypted") == true)
    }

    /// What each damage looks like, and the words the refusal must use.
    enum Damage: String, CaseIterable, Sendable {
        case flippedByte, swappedChunks, cutAtAChunk, cutInsideAChunk, appended, wrongKey, noKey
    }

    @Test(arguments: Damage.allCases)
    func aDamagedOrForeignArchiveIsRefusedAndTheDataDirectoryStaysAsItWas(damage: Damage) async throws {
        let keys = try TemporaryDirectory()
        let (_, key) = try Self.keyFile(in: keys.path)
        let server = try await Self.server(key: key)
        let created = try await server.services.backups.create()
        var bytes = try Data(contentsOf: created.archive)
        let header = 56
        let sealed = (1 << 20) + 16
        #expect(bytes.count > header + 3 * sealed)
        var useKey: BackupKey? = key
        let expected: String
        switch damage {
        case .flippedByte:
            bytes[header + sealed + 1000] ^= 0x01
            expected = "chunk 2 of the encrypted archive does not authenticate"
        case .swappedChunks:
            let first = bytes[header..<(header + sealed)]
            let second = bytes[(header + sealed)..<(header + 2 * sealed)]
            bytes.replaceSubrange(header..<(header + 2 * sealed), with: second + first)
            expected = "chunk 1 of the encrypted archive does not authenticate"
        case .cutAtAChunk:
            bytes = bytes.prefix(header + 2 * sealed)
            expected = "cut short after chunk 2"
        case .cutInsideAChunk:
            bytes = bytes.prefix(header + 2 * sealed + 500)
            expected = "chunk 3 of the encrypted archive does not authenticate"
        case .appended:
            bytes.append(Data(repeating: 0, count: 100))
            expected = "does not authenticate"
        case .wrongKey:
            useKey = try Self.keyFile(in: keys.path, name: "other.key").key
            expected = "encrypted with the key whose fingerprint is \(key.fingerprint)"
        case .noKey:
            useKey = nil
            expected = "the archive is encrypted (key fingerprint \(key.fingerprint))"
        }
        try bytes.write(to: created.archive)

        let report = BackupCheck.verify(created.archive, key: useKey)
        #expect(!report.passed)
        #expect(report.checks.map(\.name) == ["archive"])
        #expect(report.checks.first?.detail.contains(expected) == true, "\(report.checks.map(\.detail))")
        // Verification's scratch folder is gone with what it unpacked.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: server.services.backups.directory.path)
                .filter { $0.hasPrefix(".") }.isEmpty)

        // A restore over existing data refuses, and neither moves nor changes that data.
        let target = try TemporaryDirectory()
        let data = target.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try Data("existing".utf8).write(to: URL(fileURLWithPath: data + "/labbox.db"))
        #expect {
            try BackupCheck.restore(created.archive, key: useKey, into: URL(fileURLWithPath: data), force: true)
        } throws: { error in
            (error as? BackupCheck.RestoreError)?.description.contains(expected) == true
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["data"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: data) == ["labbox.db"])
        #expect(FileManager.default.contents(atPath: data + "/labbox.db") == Data("existing".utf8))
    }

    @Test func theCommandLineEncryptsWithTheConfiguredKeyAndNeedsItToVerifyAndRestore() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        #expect(try await LabBoxProcess.run(["demo-data", "--data", data, "--samples", "20"]).status == 0)
        let (keyPath, key) = try Self.keyFile(in: directory.path)
        let withKey = ["LABBOX_BACKUP_ENCRYPTION_KEY_FILE": keyPath]
        let archive = directory.path + "/offsite.tar.gz.enc"
        let backup = try await LabBoxProcess.run(["backup", "--data", data, "--to", archive], environment: withKey)
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("encrypted with the key \(key.fingerprint)"))

        let refused = try await LabBoxProcess.run(["backup", "verify", archive], directory: directory.path)
        #expect(refused.status == 5)
        #expect(refused.stdout.contains("set backup.encryption_key_file"), "\(refused.stdout)")
        let verified = try await LabBoxProcess.run(
            ["backup", "verify", archive], directory: directory.path, environment: withKey)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")

        let restoredPath = directory.path + "/restored"
        let noKey = try await LabBoxProcess.run(["restore", archive, "--data", restoredPath])
        #expect(noKey.status == 4)
        #expect(noKey.stderr.contains("is encrypted"))
        #expect(!FileManager.default.fileExists(atPath: restoredPath))
        let restored = try await LabBoxProcess.run(["restore", archive, "--data", restoredPath], environment: withKey)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try Self.samples(restoredPath + "/labbox.db") == (try Self.samples(data + "/labbox.db")))

        let bad = directory.path + "/bad.key"
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: bad))
        let badKey = try await LabBoxProcess.run(
            ["backup", "--data", data], environment: ["LABBOX_BACKUP_ENCRYPTION_KEY_FILE": bad])
        #expect(badKey.status != 0)
        #expect(badKey.stderr.contains("backup.encryption_key_file"), "\(badKey.stderr)")
    }
}
