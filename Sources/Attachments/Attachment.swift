import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// A file attached to a record: its name, sniffed type, size and SHA-256, who uploaded it, and the
/// purchase order it is filed under. The bytes are in ``AttachmentFiles``, named by the SHA-256.
package struct Attachment: Codable, Sendable, Identifiable, FetchableRecord, SoftDeletable, RowIDRecord,
    ResponseEncodable
{
    package static let databaseTableName = "attachments"
    package static let auditEntity = "attachment"
    /// A file on a customer is that customer's, and its name is often theirs (decision 0041).
    package static let personalFields: PersonalFields? = .onCustomerRecord(["file_name"])

    package var id: Int64?
    /// The record, named as the audit trail names it (`animal`, `lab_order`, …) and its id.
    package var entityType: String
    package var entityId: Int64
    package var fileName: String
    package var mediaType: String
    package var size: Int64
    package var sha256: String
    package var poNumber = ""
    package var uploadedBy: String
    package var createdAt: Date
    package var updatedAt: Date
    /// Set when deleted (with a reason): the row and its history stay, and so does the file.
    package var deletedAt: Date?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, size, sha256
        case entityType = "entity_type"
        case entityId = "entity_id"
        case fileName = "file_name"
        case mediaType = "media_type"
        case poNumber = "po_number"
        case uploadedBy = "uploaded_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
    }

    /// Images are shown in the record's panel; everything else is a download link.
    package var isImage: Bool { mediaType.hasPrefix("image/") && mediaType != "image/tiff" }
}
