import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/attachments`: upload (multipart), list, metadata, download and delete.
package struct AttachmentsAPIController {
    package let store: AttachmentStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/attachments", .attachmentsRead, .listAttachments) { request, context in
            try await list(request, context)
        }
        routes.post("/api/v1/attachments", .attachmentsWrite, .uploadAttachment) { request, context in
            let form = try await MultipartForm.read(request, context: context)
            let files = form.files("file")
            guard files.count == 1, let file = files.first else {
                throw APIError.validationFailed("Send exactly one file, as the part named 'file'.", field: "file")
            }
            let upload = try AttachmentStore.Upload(form, file: file)
            let attachment = try await store.upload(
                upload, principal: context.principal, context: context.eventContext)
            return EditedResponse(status: .created, response: attachment)
        }
        routes.get("/api/v1/attachments/{id}", .attachmentsRead, .oneAttachment) { _, context in
            try await store.attachment(id: try context.id(), principal: context.principal)
        }
        routes.get("/api/v1/attachments/{id}/content", .attachmentsRead, .downloadAttachment) { request, context in
            let attachment = try await store.attachment(id: try context.id(), principal: context.principal)
            let inline = try ListQuery(request).choice("inline", in: ["true", "false"]) == "true"
            return try await download(attachment, inline: inline, context: context)
        }
        routes.delete("/api/v1/attachments/{id}", .attachmentsWrite, .deleteAttachment) { request, context in
            let reason = try await ReasonRequest.decode(request, context: context)
            try await store.delete(
                id: try context.id(), reason: reason, principal: context.principal, context: context.eventContext)
            return Response(status: .noContent)
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> KeysetPage<Attachment> {
        let query = ListQuery(request)
        let readable = store.records.readable(by: context.principal)
        let type = try query.configured("entity_type", in: store.records.entities)
        let po = query["po_number"]
        guard (po?.count ?? 0) <= AttachmentStore.maxPONumber else {
            throw APIError.invalid(
                "po_number is at most \(AttachmentStore.maxPONumber) characters.", field: "po_number")
        }
        let filter = AttachmentStore.Filter(
            entityType: type, entityID: try query.id("entity_id"), poNumber: po, readable: readable)
        let page = try await store.list(filter, after: try query.cursor(), limit: try query.limit())
        return KeysetPage(items: page.items, next: page.next)
    }

    /// The stored file, streamed from disk, typed by what it was sniffed as; never rendered by the
    /// browser as anything else (`X-Content-Type-Options: nosniff`, which every response carries,
    /// `SecurityHeadersMiddleware`, as is `Cache-Control: no-store`: these are people's papers), and
    /// saved under its own name unless it is an image asked for inline.
    private func download(_ attachment: Attachment, inline: Bool, context: AppRequestContext) async throws -> Response {
        let path = store.files.url(sha256: attachment.sha256).path
        guard FileManager.default.fileExists(atPath: path) else { throw APIError.notFound("The file is gone.") }
        let disposition = inline && attachment.isImage ? "inline" : "attachment"
        return Response(
            status: .ok,
            headers: [
                .contentType: attachment.mediaType, .contentLength: String(attachment.size),
                .contentDisposition: Self.contentDisposition(disposition, fileName: attachment.fileName),
            ],
            body: try await FileIO().loadFile(path: path, context: context))
    }

    /// `attachment; filename="scan.pdf"; filename*=UTF-8''scan.pdf` (RFC 6266): an ASCII fallback
    /// for old clients, the exact name percent-encoded for the rest.
    static func contentDisposition(_ kind: String, fileName: String) -> String {
        let fallback = String(
            fileName.unicodeScalars.map { scalar -> Character in
                (0x20..<0x7F).contains(scalar.value) && !"\"\\%".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            })
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: Self.attributeCharacters) ?? fallback
        return "\(kind); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    /// RFC 8187's attr-char: what an ext-value leaves unencoded.
    private static let attributeCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")

    package init(store: AttachmentStore) {
        self.store = store
    }
}

extension AttachmentStore.Upload {
    /// The form's fields around one of its files.
    package init(_ form: MultipartForm, file: MultipartForm.Part) throws {
        let id = form.text("entity_id")?.trimmingCharacters(in: .whitespaces)
        guard id == nil || id?.isEmpty == true || Int64(id ?? "") != nil else {
            throw APIError.validationFailed("entity_id must be a record id (a whole number).", field: "entity_id")
        }
        self.init(
            entityType: form.text("entity_type"), entityID: id.flatMap { Int64($0) }, fileName: file.filename ?? "",
            bytes: Data(buffer: file.body), poNumber: form.text("po_number"))
    }
}
