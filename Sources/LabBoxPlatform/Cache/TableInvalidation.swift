import GRDB
import Synchronization

/// Invalidates the cache tag `table:<name>` when a transaction that changed that table commits.
///
/// It watches the writer connection, so every write through LabBox counts, audited or not, and
/// a cached value can name the tables it was computed from instead of every writer knowing its
/// readers.
package final class TableInvalidation: TransactionObserver, Sendable {
    private let cache: Cache
    private let changed = Mutex<Set<String>>([])

    package init(cache: Cache) { self.cache = cache }

    package static func tag(_ table: String) -> String { "table:" + table }

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }

    package func databaseDidChange(with event: DatabaseEvent) {
        let table = event.tableName
        changed.withLock { _ = $0.insert(table) }
    }

    package func databaseDidCommit(_ db: Database) {
        let tables = changed.withLock { tables in
            defer { tables.removeAll() }
            return tables
        }
        cache.invalidate(tags: tables.map(Self.tag))
    }

    package func databaseDidRollback(_ db: Database) {
        changed.withLock { $0.removeAll() }
    }
}
