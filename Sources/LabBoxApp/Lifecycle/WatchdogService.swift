import Foundation
import GRDB
import LabBoxPlatform
import Logging
import ServiceLifecycle

/// Pings systemd's watchdog at half its interval, but only while the database answers: a LabBox
/// whose database is stuck gets restarted by systemd instead of looking alive.
package struct WatchdogService: Service {
    package let notifier: SystemdNotifier
    package let interval: Duration
    package let database: AppDatabase
    package let logger: Logger

    /// `WATCHDOG_USEC` is set by systemd when the unit has `WatchdogSec=`.
    package init?(notifier: SystemdNotifier, database: AppDatabase, logger: Logger, environment: [String: String]) {
        guard notifier.isActive, let usec = environment["WATCHDOG_USEC"].flatMap(Int.init), usec > 0 else {
            return nil
        }
        self.notifier = notifier
        self.interval = .microseconds(usec / 2)
        self.database = database
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await database.read { try Int.fetchOne($0, sql: "SELECT 1") }
                notifier.notify("WATCHDOG=1")
            } catch {
                logger.error("database did not answer; withholding the watchdog ping", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
