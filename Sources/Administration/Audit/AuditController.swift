import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import NIOCore

/// The audit trail for admins and auditors: search page, `/api/v1/audit`, exports and verification.
package struct AuditController {
    package let store: AuditStore
    /// Whose events: the filter offers every account by name.
    package let users: UserStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/admin/audit", .auditRead) { request, context in try await page(request, context, verification: nil)
        }
        routes.get("/admin/audit/verify", .auditRead) { request, context in
            try await page(request, context, verification: try await store.verify())
        }
        routes.get("/api/v1/audit", .auditRead, .searchAuditTrail) { request, _ in try await list(request) }
        routes.get("/api/v1/audit/verify", .auditRead, .verifyAuditChain) { _, _ in
            VerificationResult(try await store.verify())
        }
        routes.get("/api/v1/audit/export", .auditRead, .exportAuditEvents) { request, _ in try export(request) }
    }

    package struct VerificationResult: ResponseEncodable {
        package let intact: Bool
        package let events: Int
        package let headHash: String
        package let archivedThrough: Int64
        package let brokenAt: Int64?
        package let problem: String?

        package init(_ verification: AuditTrail.Verification) {
            intact = verification.isIntact
            events = verification.count
            headHash = verification.headHash
            archivedThrough = verification.archivedThrough
            brokenAt = verification.broken?.seq
            problem = verification.problem
        }

        package enum CodingKeys: String, CodingKey {
            case intact, events, problem
            case headHash = "head_hash"
            case archivedThrough = "archived_through"
            case brokenAt = "broken_at"
        }
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

    private func page(_ request: Request, _ context: AppRequestContext, verification: AuditTrail.Verification?)
        async throws -> Response
    {
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
                verification: verification.map { verification in
                    let result = VerificationResult(verification)
                    return AuditPage.Verification(
                        intact: result.intact, events: result.events, head: result.headHash,
                        problem: result.problem ?? "", brokenAt: result.brokenAt)
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

    /// `audit.mustache`: the search fields as given, and the chain's verification when asked for.
    struct AuditPage: Encodable {
        struct Verification: Encodable {
            let intact: Bool
            let events: Int
            let head: String
            let problem: String
            /// Nil when no one event broke the chain (missing triggers).
            let brokenAt: Int64?
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

    package init(store: AuditStore, users: UserStore, pages: PageRenderer) {
        self.users = users
        self.store = store
        self.pages = pages
    }
}
