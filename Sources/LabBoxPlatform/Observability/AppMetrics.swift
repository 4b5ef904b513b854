import Foundation
import Metrics
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics, served at `/metrics`.
package enum AppMetrics {
    package static let registry = PrometheusCollectorRegistry()
    package static let startedAt = Date()

    /// Installs the Prometheus backend once per process (a static is initialised exactly once);
    /// tests build many applications in one process.
    package static func bootstrap() { _ = installed }

    private static let installed: Void = {
        _ = startedAt
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        // Counters that may stay at 0 for a long time are registered now: a series that appears
        // only with its first event shows "no data" on a dashboard, and `increase()` in an alert
        // misses that first event.
        _ = (LogSink.dropped, DatabaseMetrics.checkpointedByWriter, DatabaseMetrics.checkpointedInBackground)
    }()

    private static let residentBytes = registry.makeGauge(
        descriptor: .labbox("process_resident_memory", unit: "bytes", help: "Resident set size of the process"))
    private static let uptime = registry.makeGauge(
        descriptor: .labbox("process_uptime", unit: "seconds", help: "Seconds since the process started"))

    /// The exposition text; process gauges are sampled now so a scrape sees current values.
    package static func render() -> [UInt8] {
        uptime.set(Date().timeIntervalSince(startedAt))
        residentBytes.set(Double(ProcessMemory.residentBytes))
        return registry.emitToBuffer()
    }
}

package enum ProcessMemory {
    /// The resident set size, from `/proc/self/statm`.
    package static var residentBytes: Int64 {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int64($0) })
        else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// How long callers wait for a pooled SQLite connection before their work starts.
package enum DatabaseMetrics {
    private static let buckets: [Duration] = [
        .microseconds(50), .microseconds(200), .milliseconds(1), .milliseconds(5), .milliseconds(20),
        .milliseconds(100), .milliseconds(500), .seconds(2),
    ]
    private static var poolWait: MetricNameDescriptor {
        .labbox("db_pool_wait", unit: "seconds", help: "Time waited for a pooled SQLite connection")
    }
    package static let readWait = AppMetrics.registry.makeDurationHistogram(
        descriptor: poolWait, labels: [("kind", "read")], buckets: buckets)
    package static let writeWait = AppMetrics.registry.makeDurationHistogram(
        descriptor: poolWait, labels: [("kind", "write")], buckets: buckets)
    /// How many writes shared each commit (see ``GroupCommit``).
    package static let groupCommitSize = AppMetrics.registry.makeValueHistogram(
        descriptor: .labbox("db_group_commit", unit: "writes", help: "Writes that shared one commit"),
        buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
    /// WAL frames copied into the database by the writer's commits and off the writer (see
    /// ``Checkpointer``).
    private static var checkpointed: MetricNameDescriptor {
        .labbox("db_checkpointed_frames", unit: "total", help: "WAL frames copied into the database file")
    }
    package static let checkpointedByWriter = AppMetrics.registry.makeCounter(
        descriptor: checkpointed, labels: [("by", "writer")])
    package static let checkpointedInBackground = AppMetrics.registry.makeCounter(
        descriptor: checkpointed, labels: [("by", "background")])
    /// 1 when the last readiness check passed, else 0 (``AppDatabase/readiness()``).
    package static let ready = AppMetrics.registry.makeGauge(
        descriptor: .labbox("ready", unit: "", help: "1 when the database takes writes and its schema is current"))
}

extension MetricNameDescriptor {
    /// `labbox_<name>_<unit>`: every LabBox metric shares the prefix.
    package static func labbox(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "labbox", metricName: name, unitName: unit, helpText: help)
    }
}
