import GRDB
import Metrics
import Synchronization

/// Group commit through the single writer: writes that arrive while one transaction is committing
/// wait together, then run one after another in the next transaction and share its commit, so
/// one `fsync` makes all of them durable. Every caller still gets its own result or error only
/// after that commit. A write that throws before changing anything (a failed check, a refused
/// statement, which SQLite undoes itself) just reports its error; one that throws after changing
/// rows rolls the whole batch back, and each write of it is then retried in a transaction of its
/// own. No savepoints: each costs a journal copy of every page it touches, and FTS5 flushes its
/// pending index at every savepoint.
package final class GroupCommit: Sendable {
    private struct Pending: Sendable {
        let requested: ContinuousClock.Instant
        let work: @Sendable (Database) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// The most writes one transaction takes: a bound on how long the first of them waits.
    private let maxBatch = 256

    package init(pool: DatabasePool) { self.pool = pool }

    package func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            let pending = Pending(requested: .now, work: { try work($0) }, continuation: continuation)
            let startsDraining = state.withLock { state in
                state.queue.append(pending)
                defer { state.draining = true }
                return !state.draining
            }
            if startsDraining { Task { await drain() } }
        }
        // The value is what `work` returned: the closure above is the only producer.
        return value as! T
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    /// A write failed after changing rows (or SQLite rolled the transaction back under it): the
    /// batch cannot commit as it is.
    private struct BatchSpoiled: Error {
        let error: any Error
    }

    private func commit(_ batch: [Pending]) async {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try await pool.write { db in
                try batch.map { pending in
                    DatabaseMetrics.writeWait.record(ContinuousClock.now - pending.requested)
                    let changes = db.totalChangesCount
                    do {
                        return .success(try pending.work(db))
                    } catch {
                        guard db.totalChangesCount == changes, db.isInsideTransaction else {
                            throw BatchSpoiled(error: error)
                        }
                        return .failure(error)
                    }
                }
            }
            DatabaseMetrics.groupCommitSize.record(Double(batch.count))
        } catch {
            if batch.count > 1 {
                for pending in batch { await commit([pending]) }
            } else {
                batch[0].continuation.resume(throwing: (error as? BatchSpoiled)?.error ?? error)
            }
            return
        }
        for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(with: outcome) }
    }
}
