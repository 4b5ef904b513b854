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

        let report = BackupCheck.verify(created.archive, key: nil)
        #expect(report.passed, "\(report.checks.map { "\($0.name): \($0.detail)" })")
        #expect(
            report.checks.map(\.name) == ["archive", "checksums", "integrity", "audit chain", "row counts", "schema"])

        let target = try TemporaryDirectory()
        let data = URL(fileURLWithPath: target.path + "/restored")
        #expect(try BackupCheck.restore(created.archive, key: nil, into: data, force: false) == nil)
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
        let report = BackupCheck.verify(created.archive, key: nil)
        #expect(!report.passed)
        let target = try TemporaryDirectory()
        #expect(throws: BackupCheck.RestoreError.self) {
            try BackupCheck.restore(
                created.archive, key: nil, into: URL(fileURLWithPath: target.path + "/data"), force: true)
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
        #expect(try BackupCheck.restore(good.archive, key: nil, into: data, force: false) == nil)
        #expect {
            try BackupCheck.restore(good.archive, key: nil, into: data, force: false)
        } throws: { ($0 as? BackupCheck.RestoreError)?.description.contains("--force") == true }
        let aside = try #require(try BackupCheck.restore(good.archive, key: nil, into: data, force: true))
        #expect(FileManager.default.fileExists(atPath: aside.path + "/labbox.db"))
        #expect {
            try BackupCheck.restore(
                future.archive, key: nil, into: URL(fileURLWithPath: target.path + "/other"), force: false)
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
        // Encrypted archives rotate with the plain ones, by the time in their names.
        #expect(
            Backups.keep(["labbox-20261126-023000.tar.gz.enc", "labbox-20261126-010000.tar.gz"], daily: 1, weekly: 0)
                == ["labbox-20261126-023000.tar.gz.enc"])
    }

    @Test func theCommandLineBacksUpVerifiesAndRestoresAndAFileCopyWorksToo() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        #expect(try await LabBoxProcess.run(["demo-data", "--data", data, "--samples", "50"]).status == 0)
        let archive = directory.path + "/nightly.tar.gz"
        let backup = try await LabBoxProcess.run(["backup", "--data", data, "--to", archive])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.hasPrefix("OK \(archive)"))
        let verify = try await LabBoxProcess.run(["backup", "verify", archive])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("ok   audit chain"))

        // A server holds the data directory: restore must not pull it from under it.
        let server = try RunningServer(directory: directory.path, arguments: ["--data", data])
        let refused = try await LabBoxProcess.run(["restore", archive, "--data", data, "--force"])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("server is using this data directory"))
        #expect(server.terminate() == 0)

        let restored = try await LabBoxProcess.run(["restore", archive, "--data", directory.path + "/restored"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try await LabBoxProcess.run(["audit", "verify", "--data", directory.path + "/restored"]).status == 0)
        #expect(try Self.rows(directory.path + "/restored/labbox.db") == (try Self.rows(data + "/labbox.db")))

        // The documented cold backup: service stopped, directory copied.
        try FileManager.default.copyItem(atPath: data, toPath: directory.path + "/copy")
        #expect(try await LabBoxProcess.run(["check", "--data", directory.path + "/copy"]).status == 0)
        #expect(try Self.rows(directory.path + "/copy/labbox.db") == (try Self.rows(data + "/labbox.db")))
    }

    // MARK: Hostile archives

    /// A ustar header as a hostile archive may carry it: any size text and type, a valid checksum.
    private static func header(_ name: String, size: String, type: Character = "0") -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        block.replaceSubrange(0..<name.utf8.count, with: name.utf8)
        block.replaceSubrange(124..<(124 + size.utf8.count), with: size.utf8)
        block[156] = type.asciiValue ?? 0
        block.replaceSubrange(148..<156, with: Array("        ".utf8))
        let sum = String(block.reduce(0) { $0 + Int($1) }, radix: 8)
        block.replaceSubrange(
            148..<156, with: Array((String(repeating: "0", count: 6 - sum.count) + sum).utf8) + [0, 32])
        return block
    }

    private static func unpack(_ blocks: [[UInt8]], limits: TarReader.Limits = .init(bytes: 1 << 20, files: 10))
        throws -> [String: TarReader.Member]
    {
        let directory = try TemporaryDirectory()
        var unpacker = TarReader.Unpacker(directory: URL(fileURLWithPath: directory.path), limits: limits)
        try unpacker.consume(blocks.flatMap { $0 } + [UInt8](repeating: 0, count: 1024))
        return try unpacker.finish()
    }

    @Test(arguments: ["-0000000001", "-1", "+0000000001", "0000000001x", "00000000019", "", "1 2", "\u{80}1"])
    func aMalformedMemberSizeIsRefusedNotCrashedOn(size: String) {
        #expect(throws: BackupError.self) {
            try Self.unpack([Self.header("labbox.db", size: size), [UInt8](repeating: 65, count: 512)])
        }
    }

    @Test func onlyRegularFilesAreUnpackedAndEachOnce() throws {
        for type: Character in ["1", "2", "3", "4", "6", "L", "x", "g"] {
            #expect(throws: BackupError.self, "type \(type)") {
                try Self.unpack([Self.header("attachments/a", size: "00000000000", type: type)])
            }
        }
        let file = [Self.header("attachments/a", size: "00000000001"), [UInt8](repeating: 65, count: 512)]
        #expect(throws: BackupError.self) { try Self.unpack(file + file) }
        // Directory entries, as GNU tar writes them, carry nothing and are passed over.
        let members = try Self.unpack([Self.header("attachments/", size: "00000000000", type: "5")] + file)
        #expect(Array(members.keys) == ["attachments/a"])
    }

    @Test func unpackingStopsBeforeItOutgrowsItsLimits() throws {
        let directory = try TemporaryDirectory()
        let archive = URL(fileURLWithPath: directory.path + "/big.tar.gz")
        let writer = try TarWriter(creating: archive)
        _ = try writer.add(name: "attachments/a", data: Data(count: 10_000))
        _ = try writer.add(name: "attachments/b", data: Data(count: 10_000))
        try writer.finish()
        func extract(_ bytes: Int64, _ files: Int) throws -> URL {
            let into = URL(fileURLWithPath: directory.path + "/out-\(bytes)-\(files)")
            _ = try TarReader.extract(
                ArchiveInput(reading: archive, key: nil), into: into, limits: .init(bytes: bytes, files: files))
            return into
        }
        // Each file takes three 4 KiB blocks: the second one is refused before a byte of it is written.
        #expect(throws: BackupError.self) { try extract(16_384, 10) }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out-16384-10/attachments/b"))
        #expect(throws: BackupError.self) { try extract(1 << 20, 1) }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: extract(24_576, 2).path + "/attachments").count == 2)
        // The largest size a header can state (68 GB) is refused at once.
        #expect(throws: BackupError.self) {
            try Self.unpack([Self.header("labbox.db", size: "777777777777")], limits: .init(bytes: 1 << 30, files: 10))
        }
    }

    /// Fixed figures: the disk's real free space moves while other tests write beside this one.
    @Test func theDefaultLimitsKeepAReserveOfTheFilesystemFree() {
        let big = TarReader.Limits.reserving(free: 50 << 30, of: 250 << 30, freeNodes: 2_000_000, of: 16_000_000)
        #expect(big.bytes == 49 << 30 && big.files == 1_900_000)
        let small = TarReader.Limits.reserving(free: 3 << 30, of: 5 << 30, freeNodes: 50_000, of: 300_000)
        #expect(small.bytes == (3 << 30) - (5 << 30) / 10 && small.files == 20_000)
        let full = TarReader.Limits.reserving(free: 100 << 20, of: 250 << 30, freeNodes: 10, of: 16_000_000)
        #expect(full.bytes == 0 && full.files == 0)
        // btrfs has no inode table: only space bounds it.
        #expect(TarReader.Limits.reserving(free: 50 << 30, of: 250 << 30, freeNodes: 0, of: 0).files == Int.max)
    }

    /// `created` again with `extra` members, each listed in its manifest with the right SHA-256.
    private static func repack(_ created: Backups.Created, adding extra: [String: Data], to url: URL) throws {
        let unpacked = try TemporaryDirectory()
        let members = try TarReader.extract(
            ArchiveInput(reading: created.archive, key: nil), into: URL(fileURLWithPath: unpacked.path),
            limits: .init(bytes: 1 << 32, files: 1000))
        let writer = try TarWriter(creating: url)
        var manifest = created.manifest
        for name in members.keys.sorted() where name != BackupManifest.name {
            _ = try writer.add(name: name, file: URL(fileURLWithPath: unpacked.path + "/" + name))
        }
        for (name, data) in extra.sorted(by: { $0.key < $1.key }) {
            manifest.files[name] = .init(size: Int64(data.count), sha256: try writer.add(name: name, data: data))
        }
        _ = try writer.add(name: BackupManifest.name, data: try BackupManifest.encoder.encode(manifest))
        try writer.finish()
    }

    @Test(arguments: ["labbox.toml", "tls/key.pem", "labbox.db-wal", "attachments/jobs/1/result.csv"])
    func restoreInstallsOnlyTheDatabaseAndAttachmentsWhateverTheManifestLists(member: String) async throws {
        let server = try TestServer()
        try await addSamples(server, 3, prefix: "S")
        let created = try await server.services.backups.create()
        let hostile = URL(fileURLWithPath: server.directory.path + "/hostile.tar.gz")
        try Self.repack(created, adding: [member: Data("[server]\nport = 1\n".utf8)], to: hostile)
        let report = BackupCheck.verify(hostile, key: nil)
        #expect(report.passed == false)
        #expect(report.checks.first?.detail.contains(member) == true, "\(report.checks.map(\.detail))")
        let target = try TemporaryDirectory()
        #expect(throws: BackupCheck.RestoreError.self) {
            try BackupCheck.restore(hostile, key: nil, into: URL(fileURLWithPath: target.path + "/data"), force: false)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
    }
}
