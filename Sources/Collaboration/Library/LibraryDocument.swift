import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A document of the library (an SOP, a protocol, a media recipe) as the library lists it: the
/// title, collection and tags of its version in force, or of its latest version while none is in
/// force (decision 0042). Its text is in its versions.
package struct LibraryDocument: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "library_documents"
    package static let auditEntity = "library_document"

    package var id: Int64?
    package var title: String
    package var collection: String
    /// Lower-case, comma-separated without spaces: `ivf,media`.
    package var tags: String
    package var inForceVersionId: Int64?
    package var inForceNumber: Int?
    package var latestNumber: Int
    package var createdBy: String
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, title, collection, tags
        case inForceVersionId = "in_force_version_id"
        case inForceNumber = "in_force_number"
        case latestNumber = "latest_number"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var tagList: [String] { tags.split(separator: ",").map(String.init) }

    /// A version later than the one in force waits for approval.
    package var awaitsApproval: Bool { latestNumber > (inForceNumber ?? 0) }

    package static var notFound: APIError { .notFound("No such document.") }
}

/// One version of a library document. Its text (title, collection, tags, body, change note) never
/// changes once written, which the table's triggers enforce; only its status moves, from draft to
/// in force (by an approval, an e-signature) to superseded (by the next approval).
package struct LibraryVersion: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "library_versions"
    package static let auditEntity = "library_version"

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case draft
        case inForce = "in_force"
        case superseded

        package var label: String {
            switch self {
            case .draft: "Draft, awaiting approval"
            case .inForce: "In force"
            case .superseded: "Superseded"
            }
        }
    }

    package var id: Int64?
    package var documentId: Int64
    package var number: Int
    package var title: String
    package var collection: String
    package var tags: String
    package var body: String
    package var changeNote: String
    package var status = Status.draft
    package var author: String
    package var authorId: Int64?
    package var createdAt: Date
    package var approvedBy: String?
    package var approvedById: Int64?
    package var approvedAt: Date?
    package var supersededAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, number, title, collection, tags, body, status, author
        case documentId = "document_id"
        case changeNote = "change_note"
        case authorId = "author_id"
        case createdAt = "created_at"
        case approvedBy = "approved_by"
        case approvedById = "approved_by_id"
        case approvedAt = "approved_at"
        case supersededAt = "superseded_at"
    }

    /// An approval signs the text as written, not its status: the signature still covers the
    /// version once a later approval supersedes it.
    package var signedContent: String {
        AuditValue.encode([
            "document_id": .integer(documentId), "number": .integer(Int64(number)), "title": .text(title),
            "collection": .text(collection), "tags": .text(tags), "body": .text(body),
            "change_note": .text(changeNote),
        ])
    }

    package var tagList: [String] { tags.split(separator: ",").map(String.init) }

    package static var notFound: APIError { .notFound("No such version.") }
}
