import Foundation
import GRDB
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

extension AppDatabase {
    /// The PRAGMA values the data layer promises, as the writer connection reports them.
    func pragmas() throws -> [String: String] {
        try pool.writeWithoutTransaction { db in
            var values: [String: String] = [:]
            for name in ["journal_mode", "synchronous", "foreign_keys", "busy_timeout"] {
                values[name] = try String.fetchOne(db, sql: "PRAGMA \(name)")
            }
            return values
        }
    }
}

/// Counts the transactions that commit.
private final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var commits = 0
    var count: Int { lock.withLock { commits } }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { lock.withLock { commits += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

/// Holds the writer from a thread of its own until `release` is signalled, returning once it is
/// held. Not from a task: tests run in parallel, and each blocked task would take one of the few
/// threads of the cooperative pool they all share.
private func holdWriter(_ database: AppDatabase, until release: DispatchSemaphore) async {
    let held = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        try? database.pool.writeWithoutTransaction { _ in
            held.signal()
            release.wait()
        }
    }
    while held.wait(timeout: .now()) == .timedOut { try? await Task.sleep(for: .milliseconds(5)) }
}

/// Queues `count` writes behind a held writer, lets it go `delay` after the last one started, and
/// returns which succeeded: all of them arrive while the writer is busy, so they can share commits.
private func queuedWrites(
    _ database: AppDatabase, count: Int, delay: Duration,
    _ body: @escaping @Sendable (Int, Database) throws -> Void
) async -> [Bool] {
    let release = DispatchSemaphore(value: 0)
    await holdWriter(database, until: release)
    let started = AsyncStream.makeStream(of: Void.self)
    let writes = Task {
        await withTaskGroup(of: Bool.self) { group in
            for value in 0..<count {
                group.addTask {
                    started.continuation.yield()
                    do {
                        try await database.write { db in try body(value, db) }
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
    }
    // Every write has started (a busy machine may take long to start 200 tasks), then `delay`
    // lets the last ones reach the queue.
    var starts = started.stream.makeAsyncIterator()
    for _ in 0..<count { _ = await starts.next() }
    try? await Task.sleep(for: delay)
    release.signal()
    return await writes.value
}

/// The WAL's length in frames, as a checkpoint from a connection of its own reports it.
private func walFrames(_ path: String) throws -> Int {
    let observer = try DatabaseQueue(path: path)
    defer { try? observer.close() }
    return try observer.writeWithoutTransaction { try $0.checkpoint(.passive).walFrameCount }
}

@Suite struct DatabaseTests {
    private func open(_ directory: TemporaryDirectory, migrations: Migrations = .embedded) throws -> AppDatabase {
        var config = AppConfig()
        config.dataDirectory = directory.path
        return try AppDatabase(path: config.databasePath, config: config, migrations: migrations)
    }

    @Test func opensInWALWithFullSyncForeignKeysAndABusyTimeout() throws {
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        let pragmas = try database.pragmas()
        #expect(pragmas["journal_mode"] == "wal")
        #expect(pragmas["synchronous"] == "2")
        #expect(pragmas["foreign_keys"] == "1")
        #expect(pragmas["busy_timeout"] == "5000")
    }

    /// While the writer is busy, 200 writes queue; they then share one or two commits, and the one
    /// that breaks a constraint (SQLite undoes its statement) fails alone while the others land.
    @Test func concurrentWritesShareCommitsAndAFailedOneIsRolledBackAlone() async throws {
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        try await database.pool.write { try $0.execute(sql: "CREATE TABLE t (v INTEGER UNIQUE)") }
        let commits = CommitCounter()
        database.pool.add(transactionObserver: commits, extent: .observerLifetime)
        // 199 repeats 0: whichever of the two runs second fails.
        let outcomes = await queuedWrites(database, count: 200, delay: .milliseconds(100)) { value, db in
            try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: [value == 199 ? 0 : value])
        }
        #expect(outcomes.filter { !$0 }.count == 1)
        #expect(try await database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 199)
        #expect(commits.count <= 3, "200 queued writes took \(commits.count) commits")
    }

    /// A write that throws after inserting a row leaves nothing behind; the writes that shared
    /// its batch are retried alone and land.
    @Test func aWriteThatFailsAfterChangingRowsLeavesNothingBehind() async throws {
        struct Refused: Error {}
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        try await database.pool.write { try $0.execute(sql: "CREATE TABLE t (v INTEGER)") }
        let outcomes = await queuedWrites(database, count: 20, delay: .milliseconds(100)) { value, db in
            try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: [value])
            if value == 7 { throw Refused() }
        }
        #expect(outcomes.filter { !$0 }.count == 1)
        let values = try await database.read { try Int.fetchAll($0, sql: "SELECT v FROM t ORDER BY v") }
        #expect(values == Array(0..<20).filter { $0 != 7 })
    }

    @Test func synchronousModeFollowsTheConfiguration() throws {
        let directory = try TemporaryDirectory()
        var config = AppConfig()
        config.dataDirectory = directory.path
        config.synchronous = .normal
        let database = try AppDatabase(path: config.databasePath, config: config)
        #expect(try database.pragmas()["synchronous"] == "1")
    }

    @Test func appliesEmbeddedMigrationsAndRecordsTheirChecksums() throws {
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        let applied = try database.migrations.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        #expect(applied == Migrations.embedded.list.map(\.id))
        #expect(!applied.isEmpty)
        let rows = try database.pool.read { try Row.fetchAll($0, sql: "SELECT id, checksum FROM schema_checksums") }
        #expect(rows.count == applied.count)
        #expect(rows.first?["checksum"] == Migrations.embedded.list.first?.checksum)
        // A fresh database needs no safety copy.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/backups"))?.isEmpty ?? true)
        #expect(try database.migrations.apply(to: database.pool, backupDirectory: directory.path + "/backups").isEmpty)
    }

    @Test func copiesANonEmptyDatabaseBeforeMigratingIt() throws {
        let directory = try TemporaryDirectory()
        let first = Migrations(list: [.init(id: "0001_a", sql: "CREATE TABLE a (x INTEGER);")])
        let database = try open(directory, migrations: first)
        try first.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        let second = Migrations(list: first.list + [.init(id: "0002_b", sql: "CREATE TABLE b (y INTEGER);")])
        #expect(try second.apply(to: database.pool, backupDirectory: directory.path + "/backups") == ["0002_b"])
        let copies = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/backups")
        #expect(copies.count == 1)
        let copy = try DatabaseQueue(path: directory.path + "/backups/" + copies[0])
        #expect(try copy.read { try $0.tableExists("a") && !$0.tableExists("b") })
    }

    @Test func refusesADatabaseFromANewerLabBoxWithoutTouchingIt() throws {
        let directory = try TemporaryDirectory()
        let newer = Migrations(list: Migrations.embedded.list + [.init(id: "9999_future", sql: "CREATE TABLE f (x);")])
        let database = try open(directory, migrations: newer)
        try newer.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        let before = try database.pool.read { try Int.fetchOne($0, sql: "PRAGMA schema_version") }
        #expect(throws: MigrationError.self) {
            try Migrations.embedded.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        }
        #expect(try database.pool.read { try Int.fetchOne($0, sql: "PRAGMA schema_version") } == before)
        let states = try database.pool.read { try Migrations.embedded.status($0) }
        #expect(states.last?.state == .unknown)
    }

    @Test func refusesADatabaseWhoseMigrationWasChanged() throws {
        let directory = try TemporaryDirectory()
        let original = Migrations(list: [.init(id: "0001_a", sql: "CREATE TABLE a (x INTEGER);")])
        let database = try open(directory, migrations: original)
        try original.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        let edited = Migrations(list: [
            .init(id: "0001_a", sql: "CREATE TABLE a (x INTEGER, y TEXT);"),
            .init(id: "0002_b", sql: "CREATE TABLE b (y INTEGER);"),
        ])
        let error = #expect(throws: MigrationError.self) {
            try edited.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        }
        #expect(error?.description.contains("0001_a") == true)
        #expect(try database.pool.read { db in try db.tableExists("b") } == false)
    }

    @Test func integrityCheckReportsAHealthyDatabaseAndAnUnappliedMigration() throws {
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        let pending = try IntegrityCheck.run(path: database.path)
        #expect(pending.first { $0.name == "migrations" }?.ok == false)
        try database.migrations.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        let findings = try IntegrityCheck.run(path: database.path)
        #expect(findings.map(\.name) == ["integrity_check", "foreign_key_check", "migrations", "audit_chain"])
        #expect(findings.allSatisfy { $0.ok })
    }

    @Test func closeLeavesNoPendingWAL() throws {
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        try database.migrations.apply(to: database.pool, backupDirectory: directory.path + "/backups")
        try database.close()
        let wal = directory.path + "/labbox.db-wal"
        let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(size == 0)
    }

    /// A reader holding an old snapshot pins the WAL; once it lets go, the frames written meanwhile
    /// are copied off the writer, the writer's own checkpoints take over, and the WAL restarts.
    @Test func aPinnedWALIsCopiedOffTheWriterAndThenRestarts() async throws {
        let directory = try TemporaryDirectory()
        let database = try open(directory)
        try await database.write { try $0.execute(sql: "CREATE TABLE t (v BLOB)") }
        let reading = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? database.pool.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM t")
                reading.signal()
                release.wait()
            }
        }
        while reading.wait(timeout: .now()) == .timedOut { try await Task.sleep(for: .milliseconds(5)) }
        // About 17 frames each: 7,000 frames that no checkpoint may copy while the reader stays.
        for _ in 0..<400 {
            try await database.write { try $0.execute(sql: "INSERT INTO t VALUES (randomblob(64000))") }
        }
        #expect(database.checkpointer.pagesCopied.inBackground == 0)
        release.signal()
        // 28 MB to copy and sync while every other suite uses the same disk.
        let deadline = ContinuousClock.now + backgroundWait
        while database.checkpointer.pagesCopied.inBackground < Int(Checkpointer.writerPages),
            ContinuousClock.now < deadline
        {
            try await database.write { try $0.execute(sql: "INSERT INTO t VALUES (randomblob(100))") }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(database.checkpointer.pagesCopied.inBackground >= Int(Checkpointer.writerPages))
        for _ in 0..<5 {
            try await database.write { try $0.execute(sql: "INSERT INTO t VALUES (randomblob(100))") }
        }
        #expect(database.checkpointer.pagesCopied.byWriter > 0)
        let frames = try walFrames(database.path)
        #expect(frames < Int(Checkpointer.automaticPages), "the WAL did not restart: \(frames) frames")
    }

    /// With checkpoints left to Litestream, LabBox takes none: the WAL grows well past SQLite's
    /// automatic threshold without being copied or restarted.
    @Test func checkpointsLeftToLitestreamAreNeverTakenByLabBox() async throws {
        let directory = try TemporaryDirectory()
        var config = AppConfig()
        config.dataDirectory = directory.path
        config.checkpoints = .litestream
        let database = try AppDatabase(path: config.databasePath, config: config)
        try await database.write { try $0.execute(sql: "CREATE TABLE t (v BLOB)") }
        // About 17 frames each: 3,400 frames, three times the automatic threshold.
        for _ in 0..<200 {
            try await database.write { try $0.execute(sql: "INSERT INTO t VALUES (randomblob(64000))") }
        }
        #expect(database.checkpointer.pagesCopied.byWriter == 0)
        #expect(database.checkpointer.pagesCopied.inBackground == 0)
        let frames = try walFrames(database.path)
        #expect(frames > 3 * Int(Checkpointer.automaticPages), "the WAL was restarted: \(frames) frames")
    }

    /// A date stored and read back prints the same: record hashes (signatures) compare snapshots
    /// of in-memory records with snapshots of records read from the database.
    @Test func datesSurviveTheDatabaseRoundTrip() throws {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let milliseconds = 1_700_000_000_000 + Int64(generator.next(200_000_000_000))
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000 + Double(generator.next(1000)) / 1e6)
            let text = date.databaseText
            let read = try #require(Date.fromDatabaseValue(text.databaseValue))
            #expect(read.databaseText == text)
            let ours = try #require(Date(databaseText: text))
            #expect(ours.databaseText == text)
            #expect(abs(ours.timeIntervalSince(read)) < 1e-6)
        }
    }

    /// LabBox reads its stored dates by arithmetic; it must read what GRDB reads, and leave any
    /// other form to GRDB (``GRDB/Row/date(atIndex:)``). (Before 1582 they part: Foundation's
    /// calendar turns Julian there, LabBox's, like SQLite's, stays Gregorian.)
    @Test func storedDateFormsAreReadAsGRDBReadsThem() throws {
        for text in ["2024-02-29 23:59:59", "1969-12-31 23:59:59.999", "2026-01-01 00:00:00.5", "1600-02-29 12:00:00"] {
            let ours = try #require(Date(databaseText: text), "\(text)")
            let grdb = try #require(Date.fromDatabaseValue(text.databaseValue))
            #expect(abs(ours.timeIntervalSince(grdb)) < 1e-6, "\(text)")
        }
        for text in [
            "2026-01-01T00:00:00", "2026-01-01", "2026-13-01 00:00:00", "2026-01-01 00:00:00.", "2026-01-01 24:00:00",
        ] {
            #expect(Date(databaseText: text) == nil, "\(text)")
        }
        let queue = try DatabaseQueue()
        // A cursor's rows read the statement's columns in place, as record fetches do.
        let dates = try queue.read { db in
            try Array(
                Row.fetchCursor(
                    db, sql: "SELECT '2026-03-01 09:30:00.250' UNION ALL SELECT '2026-03-01T09:30' UNION ALL SELECT 1.5"
                ).map { $0.date(atIndex: 0).timeIntervalSince1970 })
        }
        #expect(dates == [1_772_357_400.25, 1_772_357_400, 1.5])
    }
}
