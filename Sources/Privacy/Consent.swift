import Attachments
import Customers
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// One statement of a customer's consent to one purpose: given, or withdrawn. Statements are never
/// edited; a later one for the same purpose supersedes the earlier, which stays as the evidence of
/// what held when (decision 0041).
package struct Consent: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord, ResponseEncodable {
    package static let databaseTableName = "consents"
    package static let auditEntity = "consent"

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case given, withdrawn
    }

    package var id: Int64?
    package var customerId: Int64
    /// What the person agreed to, e.g. `results_by_email`.
    package var purpose: String
    package var status: Status
    /// The day the person gave or withdrew it (which may be before it was recorded).
    package var effectiveOn: String
    /// How: a signed form, an email, on the phone.
    package var method: String
    /// The evidence: a file on the customer (a scanned form).
    package var attachmentId: Int64?
    package var recordedBy: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, purpose, status, method
        case customerId = "customer_id"
        case effectiveOn = "effective_on"
        case attachmentId = "attachment_id"
        case recordedBy = "recorded_by"
        case createdAt = "created_at"
    }

    /// Purposes most labs ask about; any other short name may be recorded.
    package static let commonPurposes = [
        "results_by_email", "data_sharing_breed_registry", "research_use", "marketing", "photos_publication",
    ]
}

/// Recording and reading consents.
package struct ConsentStore: Sendable {
    package let database: AppDatabase

    package struct Input: Codable, Sendable {
        package var purpose: String?
        package var status: String?
        package var effectiveOn: String?
        package var method: String?
        package var attachmentId: Int64?

        package enum CodingKeys: String, CodingKey {
            case purpose, status, method
            case effectiveOn = "effective_on"
            case attachmentId = "attachment_id"
        }

        package init(
            purpose: String?, status: String?, effectiveOn: String? = nil, method: String? = nil,
            attachmentId: Int64? = nil
        ) {
            (self.purpose, self.status, self.effectiveOn) = (purpose, status, effectiveOn)
            (self.method, self.attachmentId) = (method, attachmentId)
        }
    }

    package static let maxPurpose = 64
    package static let maxMethod = 200

    package func record(customer id: Int64, _ input: Input, context: EventContext) async throws -> Consent {
        let purpose = try InputCheck.text(input.purpose, field: "purpose", limit: Self.maxPurpose)
        guard purpose.firstMatch(of: /^[a-z0-9][a-z0-9_]*$/) != nil else {
            throw APIError.validationFailed(
                "Name the purpose in lower-case letters, digits and underscores, e.g. results_by_email.",
                field: "purpose")
        }
        guard let status = input.status.flatMap(Consent.Status.init) else {
            throw APIError.validationFailed("Status must be given or withdrawn.", field: "status")
        }
        let day = try Day.past(input.effectiveOn, field: "effective_on", label: "day of the consent")
        let method = try InputCheck.text(input.method, field: "method", limit: Self.maxMethod)
        return try await database.write(context) { write in
            _ = try Customer.live(write.db, id: id)
            if let attachment = input.attachmentId {
                guard
                    let file = try Attachment.fetchOne(write.db, key: attachment), file.deletedAt == nil,
                    file.entityType == Customer.auditEntity, file.entityId == id
                else {
                    throw APIError.validationFailed(
                        "The evidence must be a file attached to this customer.", field: "attachment_id")
                }
            }
            var consent = Consent(
                id: nil, customerId: id, purpose: purpose, status: status, effectiveOn: day, method: method,
                attachmentId: input.attachmentId, recordedBy: context.actorName, createdAt: Date())
            try write.insert(&consent)
            return consent
        }
    }

    /// Every statement for the customer, newest first.
    package func history(customer id: Int64) async throws -> [Consent] {
        try await database.read { db in
            guard try Customer.exists(db, key: id) else { throw APIError.notFound("No customer has id \(id).") }
            return try Consent.filter(Consent.CodingKeys.customerId == id).order(Consent.CodingKeys.id.desc)
                .fetchAll(db)
        }
    }

    /// The statement in force for each purpose: the latest.
    package static func current(_ history: [Consent]) -> [Consent] {
        var seen: Set<String> = []
        return history.filter { seen.insert($0.purpose).inserted }.sorted { $0.purpose < $1.purpose }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
