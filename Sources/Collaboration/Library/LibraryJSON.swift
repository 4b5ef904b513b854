import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// A library document as the API shows it: its tags as a list.
package struct LibraryDocumentJSON: Encodable, Sendable, ResponseEncodable {
    var id: Int64
    var title: String
    var collection: String
    var tags: [String]
    var inForceVersionId: Int64?
    var inForceNumber: Int?
    var latestNumber: Int
    var awaitsApproval: Bool
    var createdBy: String
    var createdAt: Date
    var updatedAt: Date

    package init(_ document: LibraryDocument) {
        id = document.id ?? 0
        (title, collection, tags) = (document.title, document.collection, document.tagList)
        (inForceVersionId, inForceNumber) = (document.inForceVersionId, document.inForceNumber)
        (latestNumber, awaitsApproval) = (document.latestNumber, document.awaitsApproval)
        (createdBy, createdAt, updatedAt) = (document.createdBy, document.createdAt, document.updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, title, collection, tags
        case inForceVersionId = "in_force_version_id"
        case inForceNumber = "in_force_number"
        case latestNumber = "latest_number"
        case awaitsApproval = "awaits_approval"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A version as the API shows it: its text, the text rendered safely, and its approvals.
package struct LibraryVersionJSON: Encodable, Sendable, ResponseEncodable {
    var id: Int64
    var documentId: Int64
    var number: Int
    var title: String
    var collection: String
    var tags: [String]
    var body: String
    var html: String
    var changeNote: String
    var status: LibraryVersion.Status
    var author: String
    var authorId: Int64?
    var createdAt: Date
    var approvedBy: String?
    var approvedAt: Date?
    var supersededAt: Date?
    var approvals: [Signature.Manifest]

    package init(_ version: LibraryVersion, approvals: [Signature.Manifest]) {
        id = version.id ?? 0
        (documentId, number, title) = (version.documentId, version.number, version.title)
        (collection, tags, body) = (version.collection, version.tagList, version.body)
        html = SafeMarkdown.html(version.body)
        (changeNote, status, author, authorId) = (version.changeNote, version.status, version.author, version.authorId)
        (createdAt, approvedBy, approvedAt) = (version.createdAt, version.approvedBy, version.approvedAt)
        supersededAt = version.supersededAt
        self.approvals = approvals
    }

    enum CodingKeys: String, CodingKey {
        case id, number, title, collection, tags, body, html, status, author, approvals
        case documentId = "document_id"
        case changeNote = "change_note"
        case authorId = "author_id"
        case createdAt = "created_at"
        case approvedBy = "approved_by"
        case approvedAt = "approved_at"
        case supersededAt = "superseded_at"
    }
}

/// A document with all its versions, the latest first.
package struct LibraryDocumentDetailJSON: Encodable, Sendable, ResponseEncodable {
    var document: LibraryDocumentJSON
    var versions: [LibraryVersionJSON]
}
