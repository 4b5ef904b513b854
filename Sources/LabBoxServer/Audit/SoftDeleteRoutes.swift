import Foundation
import Hummingbird
import LabBoxPlatform

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
/// and `/restore`, each with a reason field). Deleting needs the resource's write permission;
/// restoring is for admins.
package struct SoftDeleteRoutes<R: SoftDeletable & ResponseEncodable> {
    package let database: AppDatabase

    /// The API operations' documentation, written in the resource's feature.
    package struct Operations: Sendable {
        package var delete: APIOperation
        package var restore: APIOperation
        package var history: APIOperation

        package init(delete: APIOperation, restore: APIOperation, history: APIOperation) {
            self.delete = delete
            self.restore = restore
            self.history = history
        }

        /// The three operations of a soft-deletable `noun` whose record is `record`: they differ
        /// from one resource to the next only in those two.
        package static func standard(noun: String, record: APISchema) -> Operations {
            let reason = APIBody.json(.object(["reason": .string(maxLength: AuditTrail.maxReason)]), required: false)
            return Operations(
                delete: APIOperation(
                    "Delete a \(noun)", "Soft delete: it leaves lists, keeps its history; an admin can restore it.",
                    parameters: [.id], body: reason,
                    responses: [204: .empty("Deleted."), 404: "No such live record."]),
                restore: APIOperation(
                    "Restore a deleted \(noun)", parameters: [.id], body: reason,
                    responses: [200: .json(record, "Restored."), 404: "No such record."]),
                history: APIOperation(
                    "A \(noun)'s history", parameters: [.id],
                    responses: [
                        200: .json(.object(["items": .array(.historyEntry)]), "The history, newest first."),
                        404: "No such record.",
                    ]))
        }
    }

    package func addAPI(
        to routes: RouteTable, path: String, read: Permission, write: Permission, operations: Operations
    ) {
        routes.delete("\(path)/{id}", write, operations.delete) { request, context in
            let reason = try await ReasonRequest.decode(request, context: context)
            try await database.softDelete(R.self, id: try context.id(), reason: reason, context: context.eventContext)
            return Response(status: .noContent)
        }
        routes.post("\(path)/{id}/restore", .admin, operations.restore) { request, context in
            let reason = try await ReasonRequest.decode(request, context: context)
            return try await database.restore(
                R.self, id: try context.id(), reason: reason, context: context.eventContext)
        }
        routes.get("\(path)/{id}/history", read, operations.history) { _, context in
            guard let history = try await database.history(R.self, id: try context.id()) else { throw R.notFound }
            return ItemList(items: history)
        }
    }

    package func addPages(to routes: RouteTable, path: String, write: Permission) {
        routes.post("\(path)/{id}/delete", write) { request, context in
            let form = try await request.decode(as: ReasonRequest.self, context: context)
            try await database.softDelete(
                R.self, id: try context.id(), reason: form.reason, context: context.eventContext)
            return Flash(kind: .success, message: "The \(R.auditEntity) was deleted; an admin can restore it.")
                .redirect(to: path)
        }
        routes.post("\(path)/{id}/restore", .admin) { request, context in
            let form = try await request.decode(as: ReasonRequest.self, context: context)
            let id = try context.id()
            _ = try await database.restore(R.self, id: id, reason: form.reason, context: context.eventContext)
            return Flash(kind: .success, message: "The \(R.auditEntity) was restored.").redirect(to: "\(path)/\(id)")
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
