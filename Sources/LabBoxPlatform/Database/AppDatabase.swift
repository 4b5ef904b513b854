import Foundation
import GRDB
import Logging

/// Owns the SQLite database: the `DatabasePool` (one writer, many readers, WAL) and its migrations.
///
/// Every read and write of the application goes through ``read(_:)`` and ``write(_:)`` so that
/// the time spent waiting for a connection is measured in one place, and writes share commits
/// (``GroupCommit``).
package final class AppDatabase: Sendable {
    package let pool: DatabasePool
    /// A read-only connection of its own for single-statement lookups (a sample by id, the API's
    /// busiest read): a read there is one hop to its queue and back, where a pool reader takes two
    /// (to the queue that waits for a free reader, then to the reader's). docs/BENCHMARKS.md.
    private let lookups: DatabaseQueue
    package let path: String
    package let migrations: Migrations
    package let auditPolicy: AuditPolicy
    /// The process's cache; entries tagged `table:<name>` are dropped when that table changes.
    package let cache: Cache
    private let invalidation: TableInvalidation
    private let commits: GroupCommit
    package let checkpointer: Checkpointer
    private let checkpoints: AppConfig.Checkpoints
    /// Seals the secrets stored in this database with the data directory's `secrets.key`.
    package let secrets: SecretBox
    /// The last full or read-only disk a write met, for readiness.
    package let storageFaults = StorageFaultLog()

    package init(path: String, config: AppConfig, migrations: Migrations = .embedded) throws {
        var configuration = Configuration()
        // Applies to the writer; GRDB gives WAL readers their own 10 s timeout for the rare cases
        // (recovery, last connection closing) where a reader can meet a lock.
        configuration.busyMode = .timeout(Double(config.busyTimeoutMilliseconds) / 1000)
        configuration.maximumReaderCount = config.maxReaders
        configuration.foreignKeysEnabled = true
        // Statement journals and sorts stay in memory: nothing is written outside the data
        // directory, and a statement journal on disk cost a write per page in every transaction.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        var lookupConfiguration = configuration
        lookupConfiguration.readonly = true
        lookupConfiguration.busyMode = .timeout(10)
        self.lookups = try DatabaseQueue(path: path, configuration: lookupConfiguration)
        // GRDB switches its writer to synchronous=NORMAL when it enables WAL, after any
        // prepareDatabase hook, so the durability setting is applied to the writer afterwards.
        let synchronous = config.synchronous.rawValue.uppercased()
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        let checkpointer = Checkpointer(path: path)
        switch config.checkpoints {
        case .labbox:
            pool.writeWithoutTransaction { checkpointer.install(on: $0) }
        case .litestream:
            // Litestream copies the WAL into its replica and checkpoints once it has; a checkpoint
            // of ours could restart the WAL under it. Readers never commit, so only the writer's
            // automatic checkpoint needs turning off.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        self.checkpoints = config.checkpoints
        self.checkpointer = checkpointer
        self.secrets = try SecretBox.load(directory: URL(fileURLWithPath: path).deletingLastPathComponent())
        self.path = path
        self.migrations = migrations
        self.auditPolicy = AuditPolicy(regulated: Set(config.reasonRequired))
        self.cache = Cache(limits: .init(maxEntries: config.cacheMaxEntries, maxBytes: config.cacheMaxMegabytes << 20))
        self.invalidation = TableInvalidation(cache: cache)
        self.commits = GroupCommit(pool: pool)
        pool.add(transactionObserver: invalidation, extent: .observerLifetime)
        let journalMode = try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        guard journalMode == "wal" else {
            throw DatabaseOpenError(message: "SQLite reports journal_mode=\(journalMode ?? "?"), expected wal")
        }
    }

    /// A read in one snapshot of the database. `singleStatement` reads skip the transaction that
    /// gives several statements the same snapshot: one statement reads a consistent snapshot by
    /// itself, and the `BEGIN`/`COMMIT` around it cost 8 % of a lookup by id.
    package func read<T: Sendable>(singleStatement: Bool = false, _ body: @escaping @Sendable (Database) throws -> T)
        async throws -> T
    {
        let requested = ContinuousClock.now
        let measured: @Sendable (Database) throws -> T = { db in
            DatabaseMetrics.readWait.record(ContinuousClock.now - requested)
            return try body(db)
        }
        // GRDB's completion-handler reads: its `async` read hops four times (to the queue that waits
        // for a reader, back, to the reader's queue, back); these run the read on the reader's
        // queue, release the reader there and resume the caller once. A filtered list of 50 spent
        // 60-95 µs of CPU less (docs/BENCHMARKS.md). What they lack is cancellation: a read whose
        // request went away runs to its end.
        return try await withCheckedThrowingContinuation { continuation in
            let resume: @Sendable (Result<Database, any Error>) -> Void = { database in
                continuation.resume(with: Result { try measured(database.get()) })
            }
            if singleStatement { lookups.asyncUnsafeRead(resume) } else { pool.asyncRead(resume) }
        }
    }

    /// A write in the next group commit (``GroupCommit``): durable, with the writes that arrived
    /// beside it, when this returns.
    package func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await commits.write(body)
    }

    /// A write on behalf of `context`, where every change goes through ``AuditedWrite`` and so
    /// lands in the audit trail in the same transaction.
    package func write<T: Sendable>(_ context: EventContext, _ body: @escaping @Sendable (AuditedWrite) throws -> T)
        async throws -> T
    {
        let policy = auditPolicy
        return try await write { db in try body(AuditedWrite(db: db, context: context, policy: policy)) }
    }

    /// The full or read-only disk behind `error`, if that is what it is (``StorageFault``); noted
    /// for readiness.
    package func storageFault(of error: any Error) -> StorageFault? {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard let fault = StorageFault.of(error, dataDirectory: directory) else { return nil }
        storageFaults.record(fault)
        return fault
    }

    /// Reads the database file at `path` through a read-only connection, for commands that only
    /// inspect: opening a `DatabasePool` already writes (GRDB creates the WAL files), and a
    /// database we refuse or inspect must stay byte-for-byte as it was.
    package static func inspect<T>(path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// What `/readyz` answers: ready means the database takes a write (one row, rewritten) and its
    /// schema is this binary's. Each answer also sets `labbox_ready`, which the background
    /// ``HealthGauges`` keep current for monitoring when nobody asks `/readyz`.
    /// How long a write refused for a full or read-only disk keeps readiness at "not ready", so a
    /// poller sees the fault.
    private static let storageFaultMemory = Duration.seconds(5)

    package func readiness() async -> (ok: Bool, checks: [String: String]) {
        var checks: [String: String] = [:]
        var ok = true
        do {
            let statuses = try await write { db in
                try db.execute(
                    sql: "INSERT INTO readiness_probe (id, checked_at) VALUES (1, ?) "
                        + "ON CONFLICT(id) DO UPDATE SET checked_at = excluded.checked_at",
                    arguments: [Date().formatted(.iso8601)])
                return try self.migrations.status(db)
            }
            let fault = storageFaults.recent(within: Self.storageFaultMemory)
            checks["database"] = fault?.rawValue ?? "ok"
            let behind = statuses.filter { $0.state != .applied }
            checks["migrations"] = behind.isEmpty ? "ok" : behind.map(\.id).joined(separator: ",")
            ok = behind.isEmpty && fault == nil
        } catch {
            // "disk_full" or "read_only" tell the operator what to fix without reading the log.
            checks["database"] = storageFault(of: error)?.rawValue ?? "unavailable"
            ok = false
        }
        DatabaseMetrics.ready.set(ok ? 1.0 : 0.0)
        return (ok, checks)
    }

    /// Folds the WAL back into the main file and closes every connection, leaving a clean single
    /// file. A command that may run beside a server passes `.passive`: a truncating checkpoint
    /// holds the server's writers back until it has copied the whole WAL.
    ///
    /// When Litestream checkpoints, the WAL stays as it is: Litestream keeps a read transaction
    /// open, so a truncating checkpoint would wait out the busy timeout and fail, and any
    /// checkpoint is its to take once it has replicated the last frames. The WAL is durable; the
    /// next start, or Litestream, reads it.
    package func close(checkpoint: Database.CheckpointMode = .truncate) throws {
        try pool.writeWithoutTransaction { db in
            try checkpointer.stop(on: db)
            if checkpoints == .labbox { _ = try db.checkpoint(checkpoint) }
        }
        // The lookups' connection first, so that the pool's writer is the last one and its close
        // leaves the single file; closing a read-only connection loses nothing if it fails.
        try? lookups.close()
        try pool.close()
        checkpointer.closeFile()
        CleanClose.record(path)
    }
}

package struct DatabaseOpenError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }

    package init(message: String) {
        self.message = message
    }
}
