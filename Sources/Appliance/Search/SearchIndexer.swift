import Logging
import ServiceLifecycle

/// Indexes the samples written since its last run, about once a second (migration 0017 says why
/// they are not indexed in the transaction that writes them). Searches catch the backlog up
/// themselves; this keeps it short, so that no search has much to do first.
package struct SearchIndexer: Service {
    package let database: AppDatabase
    package var interval: Duration = .seconds(1)
    package let logger = Logger(label: "labbox.search")

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Sample.searchIndex?.catchUp(database)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("search index: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    package init(database: AppDatabase, interval: Duration = .seconds(1)) {
        self.database = database
        self.interval = interval
    }
}
