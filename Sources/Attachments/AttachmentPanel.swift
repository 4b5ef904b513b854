import Foundation
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The files of one record, as its page shows them (`attachments/panel.mustache`, which the
/// record's template includes): images in place, the rest as links, an upload form and a delete
/// form per file for those who may change the record.
package struct AttachmentPanel: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        let id: Int64
        let fileName: String
        let size: String
        let mediaType: String
        let isImage: Bool
        let uploadedBy: String
        let uploadedAt: String
        let poNumber: String?
    }
    let items: [Item]
    /// Nil when there are none: the table is left out.
    let hasItems: Bool?
    let count: Int
    let entityType: String
    let entityId: Int64
    let canWrite: Bool

    /// The panel of record `id`, or nil when `principal` may not see its files.
    package static func load(
        _ record: AttachableRecord, id: Int64, database: AppDatabase, principal: Principal?, time: LabTime
    ) async throws -> AttachmentPanel? {
        guard let principal, principal.can(.attachmentsRead), principal.can(record.read) else { return nil }
        let items = try await AttachmentStore.attachments(in: database, of: record.entity, id: id).map {
            Item(
                id: $0.id ?? 0, fileName: $0.fileName, size: size($0.size), mediaType: $0.mediaType,
                isImage: $0.isImage, uploadedBy: $0.uploadedBy,
                uploadedAt: time.text($0.createdAt),
                poNumber: $0.poNumber.isEmpty ? nil : $0.poNumber)
        }
        return AttachmentPanel(
            items: items, hasItems: items.isEmpty ? nil : true, count: items.count, entityType: record.entity,
            entityId: id,
            canWrite: principal.can(.attachmentsWrite) && principal.can(record.write))
    }

    /// `812 B`, `14.2 KB`, `3.1 MB` (powers of 1,024, as file managers show them).
    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
