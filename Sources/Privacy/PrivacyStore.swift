import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// What a data-protection officer reviews: who read or exported whose data, who was erased, and
/// whom the retention rule flagged.
package struct PrivacyStore: Sendable {
    package let database: AppDatabase

    package struct AccessFilter: Sendable {
        package var customerID: Int64?
        /// The name a user or key is recorded under (exact).
        package var actor: String?
        package var action: PersonalDataAccess.Action?

        package init(customerID: Int64? = nil, actor: String? = nil, action: PersonalDataAccess.Action? = nil) {
            (self.customerID, self.actor, self.action) = (customerID, actor, action)
        }
    }

    /// Newest first, one page before `before`.
    package func accesses(_ filter: AccessFilter, before: KeysetPosition?, limit: Int) async throws
        -> (items: [PersonalDataAccess], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = PersonalDataAccess.all()
            if let id = filter.customerID {
                request = request.filter(
                    PersonalDataAccess.CodingKeys.subjectType == "customer"
                        && PersonalDataAccess.CodingKeys.subjectId == String(id))
            }
            if let actor = filter.actor { request = request.filter(PersonalDataAccess.CodingKeys.actorName == actor) }
            if let action = filter.action { request = request.filter(PersonalDataAccess.CodingKeys.action == action) }
            if let before { request = request.filter(PersonalDataAccess.CodingKeys.id < before.id) }
            let items = try request.order(PersonalDataAccess.CodingKeys.id.desc).limit(limit).fetchAll(db)
            return (items, KeysetPosition.before(items.map(\.id), limit: limit))
        }
    }

    /// Every erasure, newest first.
    package func erasures() async throws -> [ErasureRecord] {
        try await database.read { db in
            try ErasureRecord.fetchAll(
                db, sql: "SELECT * FROM privacy_erasures WHERE subject_type = 'customer' ORDER BY id DESC")
        }
    }

    /// Customers the retention job flagged and not yet erased, longest inactive first.
    package func flagged() async throws -> [Customer] {
        try await database.read { db in
            try Customer.filter(Customer.CodingKeys.retentionFlaggedAt != nil)
                .order(Customer.CodingKeys.updatedAt).fetchAll(db)
        }
    }

    /// When customer `id` was erased, if they were.
    package func erasure(of id: Int64) async throws -> ErasureRecord? {
        try await database.read { db in
            try ErasureRecord.fetchOne(
                db, sql: "SELECT * FROM privacy_erasures WHERE subject_type = 'customer' AND subject_id = ?",
                arguments: [String(id)])
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}

/// A row of `privacy_erasures`: the fact of an erasure, which outlives the person's data.
package struct ErasureRecord: Codable, Sendable, FetchableRecord {
    package let id: Int64
    package let subjectType: String
    package let subjectId: String
    package let reason: String
    package let erasedBy: String
    package let erasedAt: String

    package enum CodingKeys: String, CodingKey {
        case id, reason
        case subjectType = "subject_type"
        case subjectId = "subject_id"
        case erasedBy = "erased_by"
        case erasedAt = "erased_at"
    }
}
