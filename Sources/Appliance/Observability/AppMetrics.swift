import Foundation
import Metrics
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics, served at `/metrics`.
enum AppMetrics {
    static let registry = PrometheusCollectorRegistry()
    static let startedAt = Date()

    /// Installs the Prometheus backend once per process (a static is initialised exactly once);
    /// tests build many applications in one process.
    static func bootstrap() { _ = installed }

    private static let installed: Void = {
        _ = startedAt
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
    }()

    private static let residentBytes = registry.makeGauge(
        name: "labbox_process_resident_memory_bytes", help: "Resident set size of the process")
    private static let uptime = registry.makeGauge(
        name: "labbox_process_uptime_seconds", help: "Seconds since the process started")

    /// The exposition text; process gauges are sampled now so a scrape sees current values.
    static func render() -> [UInt8] {
        uptime.set(Date().timeIntervalSince(startedAt))
        residentBytes.set(Double(ProcessMemory.residentBytes))
        return registry.emitToBuffer()
    }
}

enum ProcessMemory {
    /// The resident set size, from `/proc/self/statm`.
    static var residentBytes: Int64 {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int64($0) })
        else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// How long callers wait for a pooled SQLite connection before their work starts.
enum DatabaseMetrics {
    private static let buckets: [Duration] = [
        .microseconds(50), .microseconds(200), .milliseconds(1), .milliseconds(5), .milliseconds(20),
        .milliseconds(100), .milliseconds(500), .seconds(2),
    ]
    static let readWait = AppMetrics.registry.makeDurationHistogram(
        name: "labbox_db_pool_wait_seconds", labels: [("kind", "read")], buckets: buckets)
    static let writeWait = AppMetrics.registry.makeDurationHistogram(
        name: "labbox_db_pool_wait_seconds", labels: [("kind", "write")], buckets: buckets)
    /// How many writes shared each commit (see ``GroupCommit``).
    static let groupCommitSize = AppMetrics.registry.makeValueHistogram(
        name: "labbox_db_group_commit_writes", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
    /// WAL frames copied into the database by the writer's commits and off the writer (see
    /// ``Checkpointer``).
    static let checkpointedByWriter = AppMetrics.registry.makeCounter(
        name: "labbox_db_checkpointed_frames_total", labels: [("by", "writer")])
    static let checkpointedInBackground = AppMetrics.registry.makeCounter(
        name: "labbox_db_checkpointed_frames_total", labels: [("by", "background")])
}
