import Foundation
import GRDB

/// Verification and restore of a backup archive.
///
/// Both unpack the archive next to where it will be used and check it the same way: an encrypted
/// archive opens with `key` and authenticates to its last chunk (``ArchiveInput``), it holds only
/// what a backup holds (``BackupManifest/allows(_:)``) and fits the free space
/// (``TarReader/Limits/freeSpace(at:)``), every member matches the manifest's size and SHA-256,
/// nothing unlisted is present, SQLite's integrity check passes, the audit chain verifies and ends
/// at the manifest's head hash, and the row counts and schema version match.
package enum BackupCheck {
    package struct Report: Sendable {
        package struct Check: Sendable {
            package let name: String
            package let passed: Bool
            package let detail: String
        }

        package var manifest: BackupManifest?
        package var checks: [Check] = []
        package var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }

        package mutating func check(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(Check(name: name, passed: passed, detail: detail))
        }
    }

    /// Verifies `archive`, unpacking it into a scratch folder beside it that is removed afterwards.
    package static func verify(_ archive: URL, key: BackupKey?) -> Report {
        let scratch = archive.deletingLastPathComponent().appendingPathComponent(
            ".verify-\(Secrets.token(bytes: 6))")
        // A server may be running: its commits must not queue behind a gigabyte unpacked and deleted.
        let database = scratch.appendingPathComponent("labbox.db")
        defer {
            DiskPacing.remove(database)
            try? FileManager.default.removeItem(at: scratch)
        }
        return DiskPacing.flushingBehind(database) { unpack(archive, key: key, into: scratch) }
    }

    /// Unpacks `archive` into `directory` (created) and checks it there.
    package static func unpack(_ archive: URL, key: BackupKey?, into directory: URL) -> Report {
        var report = Report()
        let members: [String: TarReader.Member]
        do {
            let input = try ArchiveInput(reading: archive, key: key)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            members = try TarReader.extract(
                input, into: directory, limits: try .freeSpace(at: directory), allowed: BackupManifest.allows)
            report.check(
                "archive", true,
                "\(members.count) files unpacked, "
                    + (input.fingerprint.map { "decrypted with the key \($0), every chunk authentic" }
                        ?? "not encrypted"))
        } catch {
            report.check("archive", false, "cannot read the archive: \(error)")
            return report
        }
        guard members[BackupManifest.name] != nil,
            let data = FileManager.default.contents(
                atPath: directory.appendingPathComponent(BackupManifest.name).path),
            let manifest = try? BackupManifest.decoder.decode(BackupManifest.self, from: data)
        else {
            report.check("manifest", false, "manifest.json is missing or unreadable")
            return report
        }
        report.manifest = manifest
        let listed = Set(manifest.files.keys)
        let present = Set(members.keys).subtracting([BackupManifest.name])
        let mismatched = listed.sorted().filter { name in
            members[name].map { BackupManifest.File(size: $0.size, sha256: $0.sha256) } != manifest.files[name]
        }
        let unlisted = present.subtracting(listed).sorted()
        let foreign = listed.filter { !BackupManifest.allows($0) }.sorted()
        let good = mismatched.isEmpty && unlisted.isEmpty && foreign.isEmpty
        report.check(
            "checksums", good,
            good
                ? "\(listed.count) files match their SHA-256"
                : "differ or missing: \(mismatched.joined(separator: ", "))"
                    + (unlisted.isEmpty ? "" : "; not in the manifest: \(unlisted.joined(separator: ", "))")
                    + (foreign.isEmpty ? "" : "; never in a backup: \(foreign.joined(separator: ", "))"))
        let databaseURL = directory.appendingPathComponent("labbox.db")
        do {
            try AppDatabase.inspect(path: databaseURL.path) { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                report.check("integrity", integrity == ["ok"], integrity.prefix(3).joined(separator: "; "))
                let audit = try AuditTrail.verify(db)
                report.check(
                    "audit chain", audit.isIntact && audit.headHash == manifest.auditHeadHash,
                    audit.isIntact
                        ? (audit.headHash == manifest.auditHeadHash
                            ? "\(audit.count) events, head \(audit.headHash.prefix(16))…"
                            : "the head hash differs from the manifest's")
                        : (audit.problem ?? "")
                )
            }
            let described = try Backups.describe(databaseAt: databaseURL, createdAt: manifest.createdAt)
            let differing = Set(described.rowCounts.keys).union(manifest.rowCounts.keys).sorted().filter {
                described.rowCounts[$0] != manifest.rowCounts[$0]
            }
            report.check(
                "row counts", differing.isEmpty,
                differing.isEmpty
                    ? "\(manifest.rowCounts.values.reduce(0, +)) rows in \(manifest.rowCounts.count) tables"
                    : "differ in \(differing.joined(separator: ", "))")
            report.check(
                "schema", described.migrations == manifest.migrations,
                "schema \(described.schemaVersion), written by LabBox \(manifest.labboxVersion)")
        } catch {
            report.check("database", false, "cannot open the database copy: \(error)")
        }
        return report
    }

    package enum RestoreError: Error, CustomStringConvertible {
        case serverRunning
        case notEmpty(String)
        case failedChecks(Report)
        case incompatible(String)

        package var description: String {
            switch self {
            case .serverRunning:
                "a LabBox server is using this data directory; stop it first (systemctl stop labbox)"
            case .notEmpty(let path):
                "\(path) already holds a database or attachments; add --force to move it aside and restore"
            case .failedChecks(let report):
                "the backup failed verification: "
                    + report.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")
            case .incompatible(let reason): reason
            }
        }
    }

    /// Restores `archive` into `dataDirectory`. The archive is unpacked and verified beside the
    /// directory first, so a bad archive changes nothing; with `force`, an existing directory is
    /// renamed to `<dir>.replaced-<time>` rather than deleted. Returns that name, if any.
    package static func restore(_ archive: URL, key: BackupKey?, into dataDirectory: URL, force: Bool) throws -> URL? {
        let files = FileManager.default
        if DataDirectoryLock.isHeld(dataDirectory.path) { throw RestoreError.serverRunning }
        let database = dataDirectory.appendingPathComponent("labbox.db")
        let attachments = dataDirectory.appendingPathComponent("attachments")
        let inUse =
            files.fileExists(atPath: database.path)
            || !((try? files.contentsOfDirectory(atPath: attachments.path)) ?? []).isEmpty
        if inUse && !force { throw RestoreError.notEmpty(dataDirectory.path) }
        let stamp = Backups.stamp(at: Date())
        // A token in the name: a staging directory left by a restore killed within the same second
        // must not be unpacked into.
        let staging = URL(fileURLWithPath: dataDirectory.path + ".restoring-\(stamp)-\(Secrets.token(bytes: 4))")
        // Removed on the way out unless it holds the replaced directory (after the exchange below).
        var stagingHoldsRestore = true
        defer { if stagingHoldsRestore { try? files.removeItem(at: staging) } }
        removeUnfinishedStaging(of: dataDirectory)
        // Marks the staging directory as an unfinished restore until just before it becomes the data
        // directory: what a killed restore leaves with it can go; see removeUnfinishedStaging(of:).
        let unfinished = staging.appendingPathComponent(unfinishedMarker)
        try files.createDirectory(at: staging, withIntermediateDirectories: true)
        guard files.createFile(atPath: unfinished.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: unfinished.path])
        }
        let report = unpack(archive, key: key, into: staging)
        guard report.passed else { throw RestoreError.failedChecks(report) }
        do {
            try Migrations.embedded.assertCompatible(databaseAt: staging.appendingPathComponent("labbox.db").path)
        } catch let error as MigrationError {
            throw RestoreError.incompatible(error.description)
        }
        try files.removeItem(at: staging.appendingPathComponent(BackupManifest.name))
        try files.createDirectory(at: staging.appendingPathComponent("backups"), withIntermediateDirectories: true)
        try files.createDirectory(at: staging.appendingPathComponent("attachments"), withIntermediateDirectories: true)
        guard files.fileExists(atPath: dataDirectory.path) else {
            try files.removeItem(at: unfinished)
            try files.moveItem(at: staging, to: dataDirectory)
            return nil
        }
        if !inUse {
            for name in try files.contentsOfDirectory(atPath: dataDirectory.path)
            where !["backups", "attachments"].contains(name) {
                try files.moveItem(
                    at: dataDirectory.appendingPathComponent(name), to: staging.appendingPathComponent(name))
            }
            try files.removeItem(at: unfinished)
            try files.removeItem(at: dataDirectory)
            try files.moveItem(at: staging, to: dataDirectory)
            return nil
        }
        // The config file and the secrets key belong to the installation, not to the data being
        // replaced (backups never hold the key: decision 0021).
        for name in ["labbox.toml", SecretBox.fileName] {
            let file = dataDirectory.appendingPathComponent(name)
            if files.fileExists(atPath: file.path) {
                try files.copyItem(at: file, to: staging.appendingPathComponent(name))
            }
        }
        try files.removeItem(at: unfinished)
        // One atomic exchange: at every moment the data directory is either the old one or the
        // restored one, whole. Moving the old one aside first and the restored one in after left a
        // moment with no data directory at all; a kill there (scripts/test-faults) made the next
        // start a new, empty installation.
        try exchange(staging, dataDirectory)
        stagingHoldsRestore = false
        var aside = URL(fileURLWithPath: dataDirectory.path + ".replaced-\(stamp)")
        var number = 1
        while files.fileExists(atPath: aside.path) {
            number += 1
            aside = URL(fileURLWithPath: dataDirectory.path + ".replaced-\(stamp)-\(number)")
        }
        try files.moveItem(at: staging, to: aside)
        return aside
    }

    private static let unfinishedMarker = ".unfinished-restore"

    /// Removes what restores into `dataDirectory` that were killed before their swap left beside
    /// it: `<data>.restoring-…` directories holding the unfinished marker. One without it holds a
    /// whole data directory (a restore killed right after its swap leaves the previous one there)
    /// and stays for the operator.
    private static func removeUnfinishedStaging(of dataDirectory: URL) {
        let files = FileManager.default
        let parent = dataDirectory.deletingLastPathComponent()
        let prefix = dataDirectory.lastPathComponent + ".restoring-"
        for name in (try? files.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            let staging = parent.appendingPathComponent(name)
            if files.fileExists(atPath: staging.appendingPathComponent(unfinishedMarker).path) {
                try? files.removeItem(at: staging)
            }
        }
    }

    /// Swaps two directories in one step (Linux `renameat2` with `RENAME_EXCHANGE`; ext4, XFS,
    /// Btrfs and tmpfs have it). Where the file system lacks it, two renames through a third name
    /// do, and a kill between them leaves the old directory at `<staging>.old`.
    private static func exchange(_ first: URL, _ second: URL) throws {
        if renameat2(AT_FDCWD, first.path, AT_FDCWD, second.path, renameExchange) == 0 { return }
        guard errno == EINVAL || errno == ENOSYS else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: second.path])
        }
        let old = URL(fileURLWithPath: first.path + ".old")
        try FileManager.default.moveItem(at: second, to: old)
        try FileManager.default.moveItem(at: first, to: second)
        try FileManager.default.moveItem(at: old, to: first)
    }
}

/// `RENAME_EXCHANGE` from <linux/fs.h>.
private let renameExchange: UInt32 = 1 << 1

/// glibc's `renameat2` (2.28 and later), which the Glibc module does not import.
@_silgen_name("renameat2")
private func renameat2(
    _ oldDirectory: Int32, _ oldPath: UnsafePointer<CChar>, _ newDirectory: Int32, _ newPath: UnsafePointer<CChar>,
    _ flags: UInt32
) -> Int32
