import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The forms of a record's attachment panel: upload (a plain multipart form post, several files at
/// once; the page's script sends the same files one by one to the API with a progress bar) and
/// delete with a reason. Both return to the record's page. Files download from the API route.
package struct AttachmentsWebController {
    package let store: AttachmentStore

    package func addRoutes(to routes: RouteTable) {
        routes.post("/attachments", .attachmentsWrite) { request, context in try await upload(request, context) }
        routes.post("/attachments/{id}/delete", .attachmentsWrite) { request, context in
            try await delete(request, context)
        }
    }

    private func upload(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await MultipartForm.read(request, context: context)
        let record = try store.record(form.text("entity_type"))
        let files = form.files("file")
        let id = form.text("entity_id").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        let page = id.map { "\(record.page)/\($0)" } ?? record.page
        return try await Flash.after(redirectTo: page) {
            guard !files.isEmpty else { throw APIError.validationFailed("Choose a file to attach.", field: "file") }
            // Each file is checked and stored on its own: one refused file leaves the others attached.
            var attached: [String] = []
            for file in files {
                do {
                    let upload = try AttachmentStore.Upload(form, file: file)
                    attached.append(
                        try await store.upload(upload, principal: context.principal, context: context.eventContext)
                            .fileName)
                } catch let error as APIError where error.status.code < 500 && !attached.isEmpty {
                    throw APIError(
                        status: error.status, code: error.code,
                        message: "Attached \(attached.joined(separator: ", ")); then: \(error.message)")
                }
            }
            return "Attached \(attached.joined(separator: ", "))."
        }
    }

    private func delete(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ReasonRequest.self, context: context)
        let attachment = try await store.attachment(id: try context.id(), principal: context.principal)
        let page = "\(store.records[entity: attachment.entityType]?.page ?? "")/\(attachment.entityId)"
        return try await Flash.after(redirectTo: page) {
            try await store.delete(
                id: attachment.id ?? 0, reason: form.reason, principal: context.principal,
                context: context.eventContext)
            return "\(attachment.fileName) was deleted; its history stays."
        }
    }

    package init(store: AttachmentStore) {
        self.store = store
    }
}
