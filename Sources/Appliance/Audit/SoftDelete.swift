import Foundation
import GRDB
import Hummingbird
import LabBoxValues

/// A record that is deleted by marking it: it leaves lists but keeps its row and history, and an
/// admin can restore it.
package protocol SoftDeletable: AuditedRecord, FetchableRecord, TableRecord {
    var deletedAt: Date? { get set }
    var updatedAt: Date { get set }
}

extension SoftDeletable {
    package static var notFound: APIError { .notFound("No such \(auditEntity).") }

    /// The record with `id` unless it is deleted, or 404.
    package static func live(_ db: Database, id: Int64) throws -> Self {
        guard let record = try fetchOne(db, key: id), record.deletedAt == nil else { throw notFound }
        return record
    }
}

extension AppDatabase {
    package func softDelete<R: SoftDeletable>(_: R.Type, id: Int64, reason: String?, context: EventContext) async throws {
        try await write(context) { write in
            let record = try R.live(write.db, id: id)
            var deleted = record
            deleted.deletedAt = Date()
            deleted.updatedAt = Date()
            try write.update(deleted, from: record, action: "delete", reason: reason)
        }
    }

    package func restore<R: SoftDeletable>(_: R.Type, id: Int64, reason: String?, context: EventContext) async throws -> R {
        try await write(context) { write in
            guard let record = try R.fetchOne(write.db, key: id) else { throw R.notFound }
            guard record.deletedAt != nil else { return record }
            var restored = record
            restored.deletedAt = nil
            restored.updatedAt = Date()
            try write.update(restored, from: record, action: "restore", reason: reason)
            return restored
        }
    }

    /// A record's history, newest first, or nil when there is no such record.
    package func history<R: AuditedRecord & TableRecord>(_: R.Type, id: Int64) async throws -> [History.Entry]? {
        try await read { db in
            guard try R.exists(db, key: id) else { return nil }
            return try History.entries(db, entityType: R.auditEntity, entityID: String(id))
        }
    }
}

/// The optional `{"reason": …}` body of a delete or restore; an empty body gives no reason.
package struct ReasonRequest: Decodable, Sendable {
    package var reason: String?

    package static func decode(_ request: Request, context: AppRequestContext) async throws -> String? {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { return nil }
        return try await request.decode(as: ReasonRequest.self, context: context).reason
    }
}

/// The routes every soft-deletable resource has, on the API (`DELETE {path}/{id}`,
/// `POST {path}/{id}/restore`, `GET {path}/{id}/history`) and on its pages (`POST {page}/{id}/delete`
/// and `/restore`, each with a reason field).
package struct SoftDeleteRoutes<R: SoftDeletable & ResponseEncodable> {
    package let database: AppDatabase

    package func addAPI(to router: RouterGroup<AppRequestContext>, path: String) {
        router.delete("\(path)/{id}") { request, context in
            let reason = try await ReasonRequest.decode(request, context: context)
            try await database.softDelete(R.self, id: try context.id(), reason: reason, context: context.eventContext)
            return Response(status: .noContent)
        }
        router.post("\(path)/{id}/restore") { request, context in
            let reason = try await ReasonRequest.decode(request, context: context)
            return try await database.restore(
                R.self, id: try context.id(), reason: reason, context: context.eventContext)
        }
        router.get("\(path)/{id}/history") { _, context in
            guard let history = try await database.history(R.self, id: try context.id()) else { throw R.notFound }
            return ItemList(items: history)
        }
    }

    package func addPages(to router: RouterGroup<AppRequestContext>, path: String) {
        router.post("\(path)/{id}/delete") { request, context in
            let form = try await request.decode(as: ReasonRequest.self, context: context)
            try await database.softDelete(
                R.self, id: try context.id(), reason: form.reason, context: context.eventContext)
            return Flash(kind: .success, message: "The \(R.auditEntity) was deleted; an admin can restore it.")
                .redirect(to: path)
        }
        router.post("\(path)/{id}/restore") { request, context in
            let form = try await request.decode(as: ReasonRequest.self, context: context)
            let id = try context.id()
            _ = try await database.restore(R.self, id: id, reason: form.reason, context: context.eventContext)
            return Flash(kind: .success, message: "The \(R.auditEntity) was restored.").redirect(to: "\(path)/\(id)")
        }
    }

}
