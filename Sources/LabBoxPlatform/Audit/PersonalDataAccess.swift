import Foundation
import GRDB

/// A read or export of a person's data: who, when, how (decision 0041). Kept apart from the audit
/// chain, which records changes: views are many and need no reason, but a data-protection officer
/// must be able to answer "who looked at this person's record".
package struct PersonalDataAccess: Codable, Sendable, FetchableRecord, TableRecord {
    package static let databaseTableName = "personal_data_accesses"

    package enum Action: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        /// The record was shown (its page, or the API's record).
        case view
        /// The person's data left the lab: the subject-access export.
        case export
        /// The customer list left the lab as CSV; the subject is ``PersonalSubject/customerList(_:)``.
        case listExport = "list_export"
    }

    package enum Channel: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case page, api
    }

    package var id: Int64
    package var at: String
    package var actorType: String
    package var actorId: Int64?
    package var actorName: String
    package var subjectType: String
    package var subjectId: String
    package var action: Action
    package var channel: Channel
    package var requestId: String
    package var clientIp: String

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, at, action, channel
        case actorType = "actor_type"
        case actorId = "actor_id"
        case actorName = "actor_name"
        case subjectType = "subject_type"
        case subjectId = "subject_id"
        case requestId = "request_id"
        case clientIp = "client_ip"
    }

    /// Records one access in `db`'s transaction.
    package static func record(
        _ db: Database, _ context: EventContext, subject: PersonalSubject, action: Action, channel: Channel
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO personal_data_accesses (at, actor_type, actor_id, actor_name, subject_type, subject_id,
                    action, channel, request_id, client_ip)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            AuditEvent.timestamp(Date()), context.actorType.rawValue, context.actorID, context.actorName, subject.type,
            subject.id, action, channel, context.requestID, context.clientIP,
        ])
    }
}

extension AppDatabase {
    /// Records that `context` read or exported `subject`'s data, in a write of its own.
    package func recordAccess(
        _ context: EventContext, subject: PersonalSubject, action: PersonalDataAccess.Action,
        channel: PersonalDataAccess.Channel
    ) async throws {
        try await write { db in
            try PersonalDataAccess.record(db, context, subject: subject, action: action, channel: channel)
        }
    }
}
