import Foundation
import Logging
import ServiceLifecycle

/// The gauges a lab's monitoring alerts on, sampled in the background every `interval`, never on
/// a request: the sizes of the database and its WAL, the space left on the data directory's
/// filesystem, the newest backup, and readiness. `packaging/grafana-labbox.json` and
/// `packaging/labbox-alerts.yml` are built on them.
///
/// The newest backup is read from `backups/`, so an archive written by `labbox backup` from the
/// command line counts as well as one from the nightly job.
package struct HealthGauges: Service {
    package let database: AppDatabase
    package let backups: Backups
    package let interval: Duration
    private let logger = Logger(label: "labbox.metrics")

    private static let databaseBytes = AppMetrics.registry.makeGauge(
        descriptor: .labbox("db_size", unit: "bytes", help: "Size of labbox.db"))
    private static let walBytes = AppMetrics.registry.makeGauge(
        descriptor: .labbox("db_wal_size", unit: "bytes", help: "Size of the write-ahead log, labbox.db-wal"))
    private static let freeBytes = AppMetrics.registry.makeGauge(
        descriptor: .labbox(
            "data_filesystem_free", unit: "bytes",
            help: "Space LabBox may still use on the filesystem of the data directory"))
    private static let sizeBytes = AppMetrics.registry.makeGauge(
        descriptor: .labbox("data_filesystem_size", unit: "bytes", help: "Size of the filesystem of the data directory")
    )
    private static let lastBackup = AppMetrics.registry.makeGauge(
        descriptor: .labbox(
            "backup_last_success_timestamp", unit: "seconds",
            help: "When the newest complete archive in backups/ was written, Unix time (0: none yet)"))
    private static let lastBackupBytes = AppMetrics.registry.makeGauge(
        descriptor: .labbox("backup_last_size", unit: "bytes", help: "Size of the newest archive in backups/"))

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sample()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Sets every gauge from the files as they are now, and runs the readiness check.
    package func sample() async {
        let files = FileManager.default
        func size(_ path: String) -> Double {
            ((try? files.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.doubleValue ?? 0
        }
        Self.databaseBytes.set(size(database.path))
        Self.walBytes.set(size(database.path + "-wal"))
        if let system = try? files.attributesOfFileSystem(forPath: backups.dataDirectory.path) {
            Self.freeBytes.set((system[.systemFreeSize] as? NSNumber)?.doubleValue ?? 0)
            Self.sizeBytes.set((system[.systemSize] as? NSNumber)?.doubleValue ?? 0)
        }
        do {
            let newest = try backups.list().first
            Self.lastBackup.set(newest?.createdAt.timeIntervalSince1970 ?? 0)
            Self.lastBackupBytes.set(Double(newest?.bytes ?? 0))
        } catch {
            logger.warning("cannot list backups for metrics: \(error)")
        }
        _ = await database.readiness()
    }

    package init(database: AppDatabase, backups: Backups, interval: Duration = .seconds(15)) {
        self.database = database
        self.backups = backups
        self.interval = interval
    }
}
