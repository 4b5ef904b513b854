import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Backups for admins: the `/admin/backups` page and `/api/v1/backups` (list, start, download,
/// verify). Starting and verifying run as jobs, so the page hands over to the job's progress bar.
package struct BackupsController {
    package let backups: Backups
    package let queue: JobQueue
    package let pages: PageRenderer
    package let warnAfterHours: Int

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/backups", .admin, .listBackups) { _, _ in
            BackupList(items: try backups.list().map(BackupItem.init))
        }
        routes.post("/api/v1/backups", .admin, .startBackup) { _, context in
            try await EditedResponse(status: .accepted, response: resource(start(context)))
        }
        routes.get("/api/v1/backups/{name}", .admin, .downloadBackup) { _, context in
            try await FileDownload.response(try archive(context).url, context: context)
        }
        routes.post("/api/v1/backups/{name}/verify", .admin, .verifyBackup) { _, context in
            try await EditedResponse(status: .accepted, response: resource(verify(context)))
        }
        routes.get("/admin/backups", .admin) { request, context in try page(request, context) }
        routes.post("/admin/backups", .admin) { _, context in
            let job = try await start(context)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id ?? 0)"])
        }
        routes.post("/admin/backups/{name}/verify", .admin) { _, context in
            let job = try await verify(context)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id ?? 0)"])
        }
    }

    package struct BackupItem: Encodable, Sendable {
        package let name: String
        package let bytes: Int64
        package let createdAt: Date
        package let encrypted: Bool
        package let url: String

        package init(_ archive: Backups.Archive) {
            (name, bytes, createdAt, encrypted, url) = (
                archive.name, archive.bytes, archive.createdAt, archive.isEncrypted, "/api/v1/backups/\(archive.name)"
            )
        }

        package enum CodingKeys: String, CodingKey {
            case name, bytes, url, encrypted
            case createdAt = "created_at"
        }
    }

    package struct BackupList: ResponseEncodable {
        package let items: [BackupItem]
    }

    private func resource(_ job: Job) -> JobResource { JobResource(job, title: queue.title(of: job.type)) }

    private func start(_ context: AppRequestContext) async throws -> Job {
        try await queue.enqueue("backup", by: context.principal?.userID, context: context.eventContext)
    }

    private func verify(_ context: AppRequestContext) async throws -> Job {
        let archive = try archive(context)
        return try await queue.enqueue(
            "backup.verify", parameters: BackupJobs.VerifyParameters(file: archive.name), by: context.principal?.userID,
            context: context.eventContext)
    }

    /// The archive named in the path; only LabBox's own names, so no path can escape `backups/`.
    private func archive(_ context: AppRequestContext) throws -> Backups.Archive {
        let name = try context.parameters.require("name")
        guard Backups.isArchiveName(name), let archive = try backups.list().first(where: { $0.name == name }) else {
            throw APIError.notFound("No such backup.")
        }
        return archive
    }

    private func page(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let archives = try backups.list()
        let status = BackupStatus(latest: archives.first, warnAfterHours: warnAfterHours)
        return pages.page(
            "administration/backups", title: "Backups", section: "system", request: request, context: context,
            model: BackupsPage(
                empty: archives.isEmpty, status: status.message, stale: status.isStale,
                encrypting: backups.key != nil, keyFingerprint: backups.key?.fingerprint ?? "",
                backups: archives.map { archive in
                    BackupsPage.Row(
                        name: archive.name,
                        size: ByteCountFormatter.string(fromByteCount: archive.bytes, countStyle: .file),
                        created: pages.time.text(archive.createdAt), age: BackupStatus.age(of: archive.createdAt),
                        encrypted: archive.isEncrypted)
                }))
    }

    /// `backups.mustache`.
    struct BackupsPage: Encodable {
        struct Row: Encodable {
            let name: String
            let size: String
            let created: String
            let age: String
            let encrypted: Bool
        }
        let empty: Bool
        let status: String
        let stale: Bool
        /// Whether new backups are encrypted, and the fingerprint of `backup.encryption_key_file`'s
        /// key (never the key).
        let encrypting: Bool
        let keyFingerprint: String
        let backups: [Row]
    }

    package init(backups: Backups, queue: JobQueue, pages: PageRenderer, warnAfterHours: Int) {
        self.backups = backups
        self.queue = queue
        self.pages = pages
        self.warnAfterHours = warnAfterHours
    }
}

/// How old the newest backup is, and whether that is past `backup.warn_hours`.
package struct BackupStatus: Sendable {
    package let latest: Backups.Archive?
    package let warnAfterHours: Int

    package var isStale: Bool {
        guard let latest else { return true }
        return Date().timeIntervalSince(latest.createdAt) > Double(warnAfterHours) * 3600
    }

    package var message: String {
        guard let latest else { return "No backup yet. Start one now, or wait for the nightly schedule." }
        let base = "The last backup, \(latest.name), is \(Self.age(of: latest.createdAt)) old."
        return isStale ? base + " That is older than \(warnAfterHours) hours: check the nightly backup job." : base
    }

    package static func age(of date: Date) -> String {
        let seconds = max(Int(Date().timeIntervalSince(date)), 0)
        switch seconds {
        case ..<3600: return "\(seconds / 60) min"
        case ..<172_800: return "\(seconds / 3600) h"
        default: return "\(seconds / 86_400) days"
        }
    }

    package init(latest: Backups.Archive?, warnAfterHours: Int) {
        self.latest = latest
        self.warnAfterHours = warnAfterHours
    }
}
