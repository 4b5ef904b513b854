import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import NIOCore

/// The audit trail for admins and auditors: search page, `/api/v1/audit`, exports, and the chain's
/// verification, which runs as a job (``AuditVerification``).
package struct AuditController {
    package let store: AuditStore
    /// Whose events: the filter offers every account by name.
    package let users: UserStore
    package let queue: JobQueue
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/admin/audit", .auditRead) { request, context in try await page(request, context) }
        routes.post("/admin/audit/verify", .auditRead) { _, context in
            let job = try await verify(context)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id ?? 0)"])
        }
        routes.get("/api/v1/audit", .auditRead, .searchAuditTrail) { request, _ in try await list(request) }
        routes.post("/api/v1/audit/verify", .auditRead, .verifyAuditChain) { _, context in
            let job = try await verify(context)
            return EditedResponse(status: .accepted, response: JobResource(job, title: queue.title(of: job.type)))
        }
        routes.get("/api/v1/audit/export", .auditRead, .exportAuditEvents) { request, _ in try export(request) }
    }

    /// The caller's verification still queued or running, or a new one: pressing the button twice
    /// follows one run instead of hashing the chain twice.
    private func verify(_ context: AppRequestContext) async throws -> Job {
        guard let principal = context.principal else { throw APIError.unauthorized("Sign in first.") }
        if let latest = try await latestVerification(), !latest.state.isFinished,
            latest.isVisible(to: principal, kind: queue.kind(latest.type))
        {
            return latest
        }
        return try await queue.enqueue(AuditVerification.type, by: principal.userID, context: context.eventContext)
    }

    /// The newest verification, whoever started it: the page shows everyone with the trail its result.
    private func latestVerification() async throws -> Job? {
        try await queue.list(userID: nil, types: [AuditVerification.type], state: nil, before: nil, limit: 1).first
    }

    private func list(_ request: Request) async throws -> KeysetPage<AuditEvent> {
        let query = ListQuery(request)
        let filter = try AuditStore.Filter(query, days: pages.time)
        let page = try await store.search(filter, beforeSeq: try query.cursor()?.id, limit: try query.limit())
        return KeysetPage(items: page.items, next: page.more ? page.items.last.map { KeysetPosition(id: $0.seq) } : nil)
    }

    /// The filtered range, oldest first, with every field and both hashes, streamed in batches.
    private func export(_ request: Request) throws -> Response {
        let query = ListQuery(request)
        let filter = try AuditStore.Filter(query, days: pages.time)
        let format = try query.choice("format", in: ["csv", "json"]) ?? "csv"
        let store = store
        let body = ResponseBody { writer in
            try await writer.write(
                ByteBuffer(string: format == "csv" ? AuditExport.csvHeader : AuditExport.jsonPrologue))
            var after: Int64 = 0
            while true {
                let batch = try await store.batch(filter, afterSeq: after)
                guard let last = batch.last else { break }
                let lines = try batch.map { format == "csv" ? AuditExport.csvLine($0) : try AuditExport.jsonLine($0) }
                let text =
                    format == "csv" ? lines.joined() : (after == 0 ? "\n" : ",\n") + lines.joined(separator: ",\n")
                try await writer.write(ByteBuffer(string: text))
                after = last.seq
            }
            if format == "json" { try await writer.write(ByteBuffer(string: "\n]}\n")) }
            try await writer.finish(nil)
        }
        let name = "labbox-audit-\(AuditEvent.timestamp(Date()).prefix(10)).\(format)"
        return Response(
            status: .ok,
            headers: [
                .contentType: format == "csv" ? "text/csv; charset=utf-8" : "application/json",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ], body: body)
    }

    private func page(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try AuditStore.Filter(query, days: pages.time)
        let page = try await store.search(filter, beforeSeq: try query.cursor()?.id, limit: 50)
        let rows = page.items.map { event in
            AuditPage.Event(
                seq: event.seq, at: Timestamp.parse(event.at).map(pages.time.text) ?? event.at, actor: event.actorName,
                action: event.action,
                entity: "\(event.entityType) \(event.entityId)", reason: event.reason ?? "",
                changes: History.changes(before: event.before, after: event.after).map(History.Row.Change.init),
                hash: String(event.hash.prefix(12)))
        }
        let chosenUser = query["user_id"] ?? ""
        let people = try await users.all().sorted { $0.displayName < $1.displayName }
        let filterQuery = filter.queryString
        var next: String?
        if page.more, let last = page.items.last {
            next =
                (filterQuery.isEmpty ? "" : filterQuery + "&") + "cursor=" + Cursor.encode(KeysetPosition(id: last.seq))
        }
        return pages.page(
            "administration/audit", title: "Audit trail", section: "audit", request: request, context: context,
            model: AuditPage(
                verification: try await latestVerification().map { job in
                    let visible = context.principal.map { job.isVisible(to: $0, kind: queue.kind(job.type)) } ?? false
                    return AuditPage.Verification(
                        id: job.id ?? 0, link: visible, active: !job.state.isFinished,
                        intact: job.state == .succeeded, progress: job.progress,
                        message: job.error ?? job.message, at: pages.time.text(job.finishedAt ?? job.createdAt))
                },
                events: rows, empty: rows.isEmpty, filter: filterQuery, next: next,
                users: [Choice(value: "", label: "Anyone", selected: chosenUser.isEmpty)]
                    + people.map { user in
                        let id = String(user.id ?? 0)
                        return Choice(
                            value: id, label: "\(user.displayName) (\(user.email))", selected: id == chosenUser)
                    },
                entityType: query["entity_type"] ?? "", entityId: query["entity_id"] ?? "",
                action: query["action"] ?? "", from: query["from"] ?? "", to: query["to"] ?? ""))
    }

    /// `audit.mustache`: the search fields as given, and the chain's last verification.
    struct AuditPage: Encodable {
        /// The newest verification job: running (with its progress) or its result and when.
        struct Verification: Encodable {
            let id: Int64
            /// Whether the caller may open the job's page (their own, or any for an admin).
            let link: Bool
            let active: Bool
            let intact: Bool
            let progress: Int
            let message: String
            let at: String
        }
        struct Event: Encodable {
            let seq: Int64
            let at: String
            let actor: String
            let action: String
            let entity: String
            let reason: String
            let changes: [History.Row.Change]
            let hash: String
        }
        let verification: Verification?
        let events: [Event]
        let empty: Bool
        let filter: String
        let next: String?
        /// The user filter's menu: anyone, then each account.
        let users: [Choice]
        let entityType: String
        let entityId: String
        let action: String
        let from: String
        let to: String
    }

    package init(store: AuditStore, users: UserStore, queue: JobQueue, pages: PageRenderer) {
        self.users = users
        self.store = store
        self.queue = queue
        self.pages = pages
    }
}
