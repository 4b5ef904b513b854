import Foundation
import Hummingbird

/// A record that is deleted by marking it: it leaves lists but keeps its row and history, and an
/// admin can restore it.
protocol SoftDeletable: AuditedRecord {
    var deletedAt: Date? { get set }
    var updatedAt: Date { get set }
}

extension AuditedWrite {
    func softDelete<R: SoftDeletable>(_ record: R, reason: String?) throws -> R {
        guard record.deletedAt == nil else { return record }
        var deleted = record
        deleted.deletedAt = Date()
        deleted.updatedAt = Date()
        try update(deleted, from: record, action: "delete", reason: reason)
        return deleted
    }

    func restore<R: SoftDeletable>(_ record: R, reason: String?) throws -> R {
        guard record.deletedAt != nil else { return record }
        var restored = record
        restored.deletedAt = nil
        restored.updatedAt = Date()
        try update(restored, from: record, action: "restore", reason: reason)
        return restored
    }
}

/// The optional `{"reason": …}` body of a delete or restore; an empty body gives no reason.
struct ReasonRequest: Decodable, Sendable {
    var reason: String?

    static func decode(_ request: Request, context: AppRequestContext) async throws -> String? {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { return nil }
        return try await request.decode(as: ReasonRequest.self, context: context).reason
    }
}
