import Logging
import ServiceLifecycle

/// Indexes the rows written since its last run, about once a second (migration 0017 says why
/// they are not indexed in the transaction that writes them). Searches catch the backlog up
/// themselves; this keeps it short, so that no search has much to do first.
package struct SearchIndexer: Service {
    package let database: AppDatabase
    /// The indexes kept in batches; the composition root lists the features' indexes.
    package let indexes: [SearchIndex]
    package let interval: Duration
    private let logger = Logger(label: "labbox.search")

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for index in indexes { try await index.catchUp(database) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("search index: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    package init(database: AppDatabase, indexes: [SearchIndex], interval: Duration = .seconds(1)) {
        self.database = database
        self.indexes = indexes
        self.interval = interval
    }
}
