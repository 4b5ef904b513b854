import Foundation
import GRDB

/// Online backups of a data directory: a consistent copy of the database and the attachments,
/// with a manifest, in one `.tar.gz` (encrypted whole, manifest included, when a backup key is
/// set: decision 0024); their verification, restore and rotation.
///
/// The database is copied with `VACUUM INTO` on a WAL reader: it reads one snapshot and takes no
/// write lock, so writers carry on while it runs (see decision 0011).
package struct Backups: Sendable {
    package let database: AppDatabase
    package let dataDirectory: URL
    /// `backup.encryption_key_file`: new backups are encrypted with it, and it opens them again.
    package let key: BackupKey?

    package init(database: AppDatabase, dataDirectory: String, key: BackupKey?) {
        self.database = database
        self.dataDirectory = URL(fileURLWithPath: dataDirectory)
        self.key = key
    }

    package var directory: URL { dataDirectory.appendingPathComponent("backups") }

    /// `labbox-20261125-020000.tar.gz`, or `….tar.gz.enc` when encrypted: the names LabBox gives,
    /// lists and rotates.
    package static func isArchiveName(_ name: String) -> Bool {
        name.wholeMatch(of: /labbox-\d{8}-\d{6}\.tar\.gz(\.enc)?/) != nil
    }

    package static func archiveName(at date: Date, encrypted: Bool) -> String {
        "labbox-\(stamp(at: date)).tar.gz" + (encrypted ? ".enc" : "")
    }

    /// `20261125-020000`: a UTC time in names.
    package static func stamp(at date: Date) -> String {
        let format = Date.VerbatimFormatStyle(
            format:
                "\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)-\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)",
            timeZone: .gmt, calendar: Calendar(identifier: .gregorian))
        return date.formatted(format)
    }

    package struct Created: Sendable {
        package let archive: URL
        package let manifest: BackupManifest
        package let bytes: Int64
    }

    /// Writes a backup to `destination` (default: a new archive in `backups/`). `report` receives
    /// progress; `checkpoint` may throw to stop, and then nothing is left behind.
    package func create(
        to destination: URL? = nil, report: @escaping @Sendable (Int, String) -> Void = { _, _ in },
        checkpoint: @escaping @Sendable () throws -> Void = {}
    ) async throws -> Created {
        let now = Date()
        let archive = destination ?? directory.appendingPathComponent(Self.archiveName(at: now, encrypted: key != nil))
        let staging = directory.appendingPathComponent(".staging-\(Secrets.token(bytes: 6))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        // Held while this backup runs: a staging directory nobody holds was left by a backup that
        // was killed, and goes (each holds a copy of the database; repeated kills filled the disk).
        let hold = open(staging.path, O_RDONLY | O_DIRECTORY)
        flock(hold, LOCK_EX)
        Self.removeAbandonedStaging(in: directory)
        // The archive is written inside the staging directory when it goes to `backups/` (so an
        // abandoned one goes with it), beside its destination otherwise; renamed into place whole.
        let partial =
            destination == nil
            ? staging.appendingPathComponent(archive.lastPathComponent)
            : archive.deletingLastPathComponent().appendingPathComponent(".\(archive.lastPathComponent).partial")
        let copy = staging.appendingPathComponent("labbox.db")
        defer {
            DiskPacing.remove(copy)
            try? FileManager.default.removeItem(at: staging)
            close(hold)
        }
        do {
            report(5, "Copying the database")
            // Without synchronous=OFF, VACUUM INTO ends by flushing the whole copy at once, and the
            // server's own commits (synchronous=FULL) queue behind that flush; the copy and the
            // archive are flushed behind their writing instead (DiskPacing). The archive is
            // synced when it is complete.
            try await DiskPacing.flushingBehind(copy) {
                try await database.pool.unsafeRead { db in
                    let previous = try String.fetchOne(db, sql: "PRAGMA synchronous") ?? "2"
                    try db.execute(sql: "PRAGMA synchronous = OFF")
                    defer { try? db.execute(sql: "PRAGMA synchronous = \(Int(previous) ?? 2)") }
                    try db.execute(sql: "VACUUM INTO ?", arguments: [copy.path])
                }
            }
            try checkpoint()
            var manifest = try Self.describe(databaseAt: copy, createdAt: now)
            let attachments = try attachmentFiles()
            let total = max(try Self.size(of: copy) + attachments.reduce(0) { $0 + $1.size }, 1)
            var done: Int64 = 0
            let writer = try TarWriter(creating: partial, key: key)
            func add(_ name: String, _ url: URL) throws {
                let before = done
                let sha = try writer.add(name: name, file: url) { written in
                    done = before + written
                    report(40 + Int(55 * done / total), "Archiving \(name)")
                    try checkpoint()
                }
                manifest.files[name] = .init(size: try Self.size(of: url), sha256: sha)
            }
            try DiskPacing.flushingBehind(partial) {
                report(40, "Archiving the database")
                try add("labbox.db", copy)
                for file in attachments { try add(file.name, file.url) }
                _ = try writer.add(name: BackupManifest.name, data: try BackupManifest.encoder.encode(manifest))
                try writer.finish()
            }
            try checkpoint()
            if FileManager.default.fileExists(atPath: archive.path) { try FileManager.default.removeItem(at: archive) }
            try FileManager.default.moveItem(at: partial, to: archive)
            report(100, "Backup written")
            return Created(archive: archive, manifest: manifest, bytes: try Self.size(of: archive))
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Removes the staging directories in `directory` that no running backup holds and that are
    /// older than a minute (a backup takes its hold right after making its directory).
    private static func removeAbandonedStaging(in directory: URL) {
        let files = FileManager.default
        for name in (try? files.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(".staging-") {
            let path = directory.appendingPathComponent(name).path
            guard let modified = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < Date().addingTimeInterval(-60)
            else { continue }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { try? files.removeItem(atPath: path) }
        }
    }

    /// Everything under `attachments/` except job results, which are scratch output.
    private func attachmentFiles() throws -> [(name: String, url: URL, size: Int64)] {
        let root = dataDirectory.appendingPathComponent("attachments")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var files: [(String, URL, Int64)] = []
        for case let url as URL in walker {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let relative = "attachments/" + url.path.dropFirst(root.path.count + 1)
            if relative.hasPrefix("attachments/jobs/") { continue }
            files.append((relative, url, try Self.size(of: url)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// The manifest of a database copy, without its file list.
    package static func describe(databaseAt url: URL, createdAt: Date) throws -> BackupManifest {
        try AppDatabase.inspect(path: url.path) { db in
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)")
            }
            let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            let audit = try AuditTrail.verify(db)
            return BackupManifest(
                labboxVersion: BuildInfo.version, commit: BuildInfo.commit, createdAt: createdAt,
                schemaVersion: migrations.last ?? "", migrations: migrations, rowCounts: counts,
                auditEvents: audit.count, auditHeadHash: audit.headHash, files: [:])
        }
    }

    package static func size(of url: URL) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
    }

    // MARK: Listing and rotation

    package struct Archive: Sendable {
        package let name: String
        package let url: URL
        package let bytes: Int64
        package let createdAt: Date

        package var isEncrypted: Bool { name.hasSuffix(".enc") }
    }

    /// LabBox's archives in `backups/`, newest first.
    package func list() throws -> [Archive] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.filter(Self.isArchiveName).map { name in
            let url = directory.appendingPathComponent(name)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return Archive(
                name: name, url: url, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                createdAt: attributes[.modificationDate] as? Date ?? .distantPast)
        }.sorted { $0.name > $1.name }
    }

    /// Which archives rotation keeps: the newest of each of the last `daily` days that have one,
    /// and the newest of each of the last `weekly` ISO weeks. Names carry their UTC time.
    package static func keep(_ names: [String], daily: Int, weekly: Int) -> Set<String> {
        let newestFirst = names.filter(isArchiveName).sorted(by: >)
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = .gmt
        var days: [String] = []
        var weeks: [String] = []
        var kept: Set<String> = []
        for name in newestFirst {
            let day = String(name.dropFirst("labbox-".count).prefix(8))
            let digits = Array(day)
            let number = { (range: Range<Int>) in Int(String(digits[range])) }
            guard
                let date = calendar.date(
                    from: DateComponents(year: number(0..<4), month: number(4..<6), day: number(6..<8)))
            else { continue }
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            let week = "\(parts.yearForWeekOfYear ?? 0)-\(parts.weekOfYear ?? 0)"
            if !days.contains(day), days.count < daily {
                days.append(day)
                kept.insert(name)
            }
            if !weeks.contains(week), weeks.count < weekly {
                weeks.append(week)
                kept.insert(name)
            }
        }
        return kept
    }

    /// Deletes the archives rotation does not keep; returns their names.
    package func rotate(daily: Int, weekly: Int) throws -> [String] {
        let archives = try list()
        let kept = Self.keep(archives.map(\.name), daily: daily, weekly: weekly)
        let dropped = archives.filter { !kept.contains($0.name) }
        for archive in dropped { try FileManager.default.removeItem(at: archive.url) }
        return dropped.map(\.name)
    }
}
