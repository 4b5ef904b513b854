import Administration
import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// The detailed health page for admins (`/admin/health`, `/api/v1/health`): database, cache,
/// jobs, backups, mail and schedules, with warnings for what needs a person.
struct SystemController {
    let services: AppServices

    func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/health", .admin, .detailedHealth) { _, _ in try await report() }
        routes.get("/admin/health", .admin) { request, context in
            let report = try await report()
            return services.pages.page(
                "system/health", title: "System health", section: "system", request: request, context: context,
                model: HealthPage(
                    warnings: report.warnings, healthy: report.warnings.isEmpty,
                    facts: [
                        .init(label: "Version", value: report.version),
                        .init(label: "Schema", value: report.schema),
                        .init(label: "Up since", value: services.pages.time.text(AppMetrics.startedAt)),
                        .init(label: "Memory (RSS)", value: bytes(report.residentBytes)),
                        .init(label: "Database", value: bytes(report.databaseBytes)),
                        .init(label: "Write-ahead log", value: bytes(report.walBytes)),
                        .init(label: "Last backup", value: report.backup.message),
                    ],
                    cache: [
                        .init(label: "Hit rate", value: report.cache.hitRate),
                        .init(label: "Hits", value: String(report.cache.hits)),
                        .init(label: "Misses", value: String(report.cache.misses)),
                        .init(label: "Evictions", value: String(report.cache.evictions)),
                        .init(label: "Entries", value: String(report.cache.entries)),
                        .init(label: "Size", value: bytes(Int64(report.cache.bytes))),
                    ],
                    jobs: report.jobs.sorted { $0.key < $1.key }.map { .init(state: $0.key, count: $0.value) },
                    outbox: report.outbox.sorted { $0.key < $1.key }.map { .init(state: $0.key, count: $0.value) },
                    mailConfigured: services.config.smtp != nil))
        }
    }

    /// `health.mustache`.
    struct HealthPage: Encodable {
        struct Fact: Encodable {
            let label: String
            let value: String
        }
        /// How many jobs or emails are in a state.
        struct Count: Encodable {
            let state: String
            let count: Int
        }
        let warnings: [String]
        let healthy: Bool
        let facts: [Fact]
        let cache: [Fact]
        let jobs: [Count]
        let outbox: [Count]
        let mailConfigured: Bool
    }

    struct Report: ResponseEncodable, Sendable {
        struct CacheFigures: Encodable, Sendable {
            let hits: Int
            let misses: Int
            let evictions: Int
            let entries: Int
            let bytes: Int
            var hitRate: String {
                hits + misses == 0 ? "—" : String(format: "%.1f %%", 100 * Double(hits) / Double(hits + misses))
            }
        }

        struct BackupFigures: Encodable, Sendable {
            let latest: String?
            let ageSeconds: Int?
            let stale: Bool
            let message: String
        }

        let version: String
        let schema: String
        let residentBytes: Int64
        let databaseBytes: Int64
        let walBytes: Int64
        let cache: CacheFigures
        let jobs: [String: Int]
        let outbox: [String: Int]
        let backup: BackupFigures
        let tanksOverdue: Int
        let warnings: [String]
    }

    private func report() async throws -> Report {
        let database = services.database
        let config = services.config
        let (schema, jobs, outbox, failedToday, overdue) = try await SystemStore(database: database).figures(
            fillDays: config.ln2FillDays)
        let latest = try services.backups.list().first
        let backup = BackupStatus(latest: latest, warnAfterHours: config.backupWarnHours)
        var warnings: [String] = []
        if backup.isStale { warnings.append(backup.message) }
        if failedToday > 0 { warnings.append("\(failedToday) job(s) failed in the last 24 hours. See Jobs.") }
        if let dead = outbox["dead"], dead > 0 { warnings.append("\(dead) email(s) could not be delivered.") }
        if overdue > 0 { warnings.append("\(overdue) LN2 tank(s) are overdue for a fill.") }
        let stats = database.cache.stats
        return Report(
            version: BuildInfo.version, schema: schema, residentBytes: ProcessMemory.residentBytes,
            databaseBytes: Self.size(database.path), walBytes: Self.size(database.path + "-wal"),
            cache: .init(
                hits: stats.hits, misses: stats.misses, evictions: stats.evictions, entries: stats.entries,
                bytes: stats.bytes),
            jobs: jobs, outbox: outbox,
            backup: .init(
                latest: latest?.name, ageSeconds: latest.map { Int(Date().timeIntervalSince($0.createdAt)) },
                stale: backup.isStale, message: backup.message),
            tanksOverdue: overdue, warnings: warnings)
    }

    private static func size(_ path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }

    private func bytes(_ count: Int64) -> String { ByteCountFormatter.string(fromByteCount: count, countStyle: .file) }
}
