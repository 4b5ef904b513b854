import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Searching and exporting the audit trail.
package struct AuditStore: Sendable {
    package let database: AppDatabase

    package struct Filter: Sendable {
        package var userID: Int64?
        package var apiKeyID: Int64?
        package var entityType: String?
        package var entityID: String?
        package var action: String?
        /// Inclusive lower and exclusive upper bound, in the trail's timestamp format.
        package var from: String?
        package var to: String?

        /// `days`: the lab's clock, on which a date without a time begins.
        package init(_ query: ListQuery, days: LabTime) throws {
            userID = try query.integer("user_id")
            apiKeyID = try query.integer("api_key_id")
            entityType = query["entity_type"]
            entityID = query["entity_id"]
            action = query["action"]
            from = try query.time("from", days: days)
            to = try query.time("to", days: days)
        }

        package func apply(_ request: QueryInterfaceRequest<AuditEvent>) -> QueryInterfaceRequest<AuditEvent> {
            var request = request
            if let userID {
                request = request.filter(Column("actor_type") == "user" && Column("actor_id") == userID)
            }
            if let apiKeyID {
                request = request.filter(Column("actor_type") == "api_key" && Column("actor_id") == apiKeyID)
            }
            if let entityType { request = request.filter(Column("entity_type") == entityType) }
            if let entityID { request = request.filter(Column("entity_id") == entityID) }
            if let action {
                // `sample.*` finds every sample action.
                request =
                    action.hasSuffix("*")
                    ? request.filter(Column("action").like(String(action.dropLast()) + "%"))
                    : request.filter(Column("action") == action)
            }
            if let from { request = request.filter(Column("at") >= from) }
            if let to { request = request.filter(Column("at") < to) }
            return request
        }

        /// The filter as query parameters, for links to the next page and the exports.
        package var queryString: String {
            let pairs: [(String, String?)] = [
                ("user_id", userID.map(String.init)), ("api_key_id", apiKeyID.map(String.init)),
                ("entity_type", entityType), ("entity_id", entityID), ("action", action), ("from", from), ("to", to),
            ]
            return pairs.compactMap { name, value in
                value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            }.joined(separator: "&")
        }
    }

    /// Newest first, `limit` events older than `beforeSeq`.
    package func search(_ filter: Filter, beforeSeq: Int64?, limit: Int) async throws -> (
        items: [AuditEvent], more: Bool
    ) {
        try await database.read { db in
            var request = filter.apply(AuditEvent.all())
            if let beforeSeq { request = request.filter(Column("seq") < beforeSeq) }
            let rows = try request.order(Column("seq").desc).limit(limit + 1).fetchAll(db)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// Oldest first, the `size` events after `afterSeq`: exports walk millions of events in such
    /// batches with little memory.
    package func batch(_ filter: Filter, afterSeq: Int64, size: Int = 2000) async throws -> [AuditEvent] {
        try await database.read { db in
            try filter.apply(AuditEvent.filter(Column("seq") > afterSeq)).order(Column("seq")).limit(size).fetchAll(db)
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
