import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for attachments. Checking and storing the file happens before the write
/// transaction (nothing slow in the writer's commit, decision 0016); the row and its audit event,
/// which carries the SHA-256, then commit together.
package struct AttachmentStore: Sendable {
    package let database: AppDatabase
    package let files: AttachmentFiles
    package let records: AttachableRecords
    package let maxBytes: Int

    /// One uploaded file and what it is filed under.
    package struct Upload: Sendable {
        package var entityType: String?
        package var entityID: Int64?
        package var fileName: String
        package var bytes: Data
        package var poNumber: String?

        package init(entityType: String?, entityID: Int64?, fileName: String, bytes: Data, poNumber: String?) {
            self.entityType = entityType
            self.entityID = entityID
            self.fileName = fileName
            self.bytes = bytes
            self.poNumber = poNumber
        }
    }

    package struct Filter: Sendable {
        package var entityType: String?
        package var entityID: Int64?
        package var poNumber: String?
        /// The entity types the caller may read; others are left out.
        package var readable: [String]

        package init(entityType: String? = nil, entityID: Int64? = nil, poNumber: String? = nil, readable: [String]) {
            self.entityType = entityType
            self.entityID = entityID
            self.poNumber = poNumber
            self.readable = readable
        }
    }

    package static let maxFileName = 255
    package static let maxPONumber = 64

    /// The kind of record `entityType` names, or 422 naming the field.
    package func record(_ entityType: String?) throws -> AttachableRecord {
        try records.record(entityType, subject: "Files")
    }

    /// Checks the file (size, content type, name) and the record, stores the bytes once per
    /// content and adds the row with its audit event.
    package func upload(_ upload: Upload, principal: Principal?, context: EventContext) async throws -> Attachment {
        let record = try record(upload.entityType)
        guard principal?.can(record.write) == true else {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "You do not have permission to change this \(record.noun) (\(record.write)).")
        }
        guard let entityID = upload.entityID, entityID > 0 else {
            throw APIError.validationFailed("Give the id of the \(record.noun).", field: "entity_id")
        }
        guard upload.bytes.count <= maxBytes else {
            throw APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message:
                    "\(upload.fileName) is \(upload.bytes.count) bytes; the limit is \(maxBytes) (attachments.max_bytes).",
                field: "file")
        }
        let name = try Self.fileName(upload.fileName)
        guard !upload.bytes.isEmpty else { throw APIError.validationFailed("\(name) is empty.", field: "file") }
        let poNumber = try InputCheck.text(upload.poNumber, field: "po_number", limit: Self.maxPONumber)
        let type = try FileType.sniff(upload.bytes, name: name)
        // Checked before the bytes are stored, so a refused upload leaves nothing behind; checked
        // again in the write, for a record deleted in between.
        guard try await database.read({ try record.exists($0, id: entityID) }) else { throw unknown(record, entityID) }
        let sha256 = AttachmentFiles.sha256(upload.bytes)
        try files.store(upload.bytes, sha256: sha256)
        return try await database.write(context) { write in
            guard try record.exists(write.db, id: entityID) else { throw unknown(record, entityID) }
            let now = Date()
            var attachment = Attachment(
                entityType: record.entity, entityId: entityID, fileName: name, mediaType: type.mediaType,
                size: Int64(upload.bytes.count), sha256: sha256, poNumber: poNumber, uploadedBy: context.actorName,
                createdAt: now, updatedAt: now)
            try write.insert(&attachment)
            return attachment
        }
    }

    /// Deleting needs a reason; the row stays (deleted), with its history, and so does the file.
    package func delete(id: Int64, reason: String?, principal: Principal?, context: EventContext) async throws {
        guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AuditPolicy.missingReason
        }
        try await database.write(context) { write in
            let attachment = try Attachment.live(write.db, id: id)
            try authorize(attachment, principal: principal, write: true)
            var deleted = attachment
            deleted.deletedAt = Date()
            deleted.updatedAt = Date()
            try write.update(deleted, from: attachment, action: "delete", reason: reason)
        }
    }

    /// A live attachment that `principal` may see, or 404 (403 when its record is not theirs to read).
    package func attachment(id: Int64, principal: Principal?) async throws -> Attachment {
        let attachment = try await database.read { try Attachment.live($0, id: id) }
        try authorize(attachment, principal: principal, write: false)
        return attachment
    }

    /// Newest first, one page after `after`.
    package func list(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Attachment], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = Attachment.filter(Attachment.CodingKeys.deletedAt == nil)
                .filter(filter.readable.contains(Attachment.CodingKeys.entityType))
            if let type = filter.entityType { request = request.filter(Attachment.CodingKeys.entityType == type) }
            if let id = filter.entityID { request = request.filter(Attachment.CodingKeys.entityId == id) }
            if let po = filter.poNumber { request = request.filter(Attachment.CodingKeys.poNumber == po) }
            return try request.page(db, order: ListOrder(descending: true), after: after, limit: limit)
        }
    }

    /// The live attachments of one record, newest first, for its page (which its own feature
    /// renders, with only the database at hand).
    package static func attachments(in database: AppDatabase, of entityType: String, id: Int64) async throws
        -> [Attachment]
    {
        try await database.read { db in
            try Attachment.filter(
                Attachment.CodingKeys.entityType == entityType && Attachment.CodingKeys.entityId == id
                    && Attachment.CodingKeys.deletedAt == nil
            ).order(Attachment.CodingKeys.id.desc).fetchAll(db)
        }
    }

    private func authorize(_ attachment: Attachment, principal: Principal?, write: Bool) throws {
        guard let record = records[entity: attachment.entityType] else { throw Attachment.notFound }
        let permission = write ? record.write : record.read
        guard principal?.can(permission) == true else {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "You do not have permission for this \(record.noun)'s files (\(permission)).")
        }
    }

    private func unknown(_ record: AttachableRecord, _ id: Int64) -> APIError {
        APIError.validationFailed("There is no \(record.noun) with id \(id).", field: "entity_id")
    }

    /// The name as shown and offered on download: its last path component, without control
    /// characters, at most 255 characters (the extension kept).
    static func fileName(_ given: String) throws -> String {
        let base = given.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(base.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
            .trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw APIError.validationFailed("The file has no name.", field: "file")
        }
        if name.count > maxFileName {
            let ending = name.split(separator: ".").count > 1 ? "." + (name.split(separator: ".").last ?? "") : ""
            name = String(name.prefix(maxFileName - min(ending.count, 20))) + ending.suffix(20)
        }
        return name
    }

    package init(database: AppDatabase, files: AttachmentFiles, records: AttachableRecords, maxBytes: Int) {
        self.database = database
        self.files = files
        self.records = records
        self.maxBytes = maxBytes
    }
}
