import Attachments
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The forms of a record's activity panel: a comment, a journal note. Both return to the record's
/// page with the outcome.
package struct ActivityWebController {
    package let comments: CommentStore
    package let notes: NoteStore

    /// What the panel's forms post: ids as typed, an empty one meaning none.
    struct Form: Decodable {
        var entityType: String?
        var entityId: String?
        var body: String?
        var observedOn: String?
        var correctsId: String?

        enum CodingKeys: String, CodingKey {
            case body
            case entityType = "entity_type"
            case entityId = "entity_id"
            case observedOn = "observed_on"
            case correctsId = "corrects_id"
        }

        func id(_ text: String?, field: String) throws -> Int64? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let id = Int64(text.trimmingCharacters(in: CharacterSet(charactersIn: "#"))) else {
                throw APIError.validationFailed("\(field) must be a number.", field: field)
            }
            return id
        }
    }

    package func addRoutes(to routes: RouteTable) {
        routes.post("/comments", .commentsWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            return try await back(form, anchor: "comments") {
                let comment = try await comments.add(
                    .init(
                        entityType: form.entityType, entityId: try form.id(form.entityId, field: "entity_id"),
                        body: form.body),
                    principal: context.principal, context: context.eventContext)
                return "Your comment was added (#\(comment.id ?? 0))."
            }
        }
        routes.post("/notes", .notesWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            return try await back(form, anchor: "journal") {
                let note = try await notes.add(
                    .init(
                        entityType: form.entityType, entityId: try form.id(form.entityId, field: "entity_id"),
                        observedOn: form.observedOn, body: form.body,
                        correctsId: try form.id(form.correctsId, field: "corrects_id")),
                    principal: context.principal, context: context.eventContext)
                return "Note #\(note.id ?? 0) was added to the journal."
            }
        }
    }

    /// Runs `action` and returns to the record's page (its list when the record is not known).
    private func back(_ form: Form, anchor: String, _ action: () async throws -> String) async throws -> Response {
        let record = try comments.records.record(form.entityType, subject: "Comments")
        let id = form.entityId.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        let page = id.map { "\(record.page)/\($0)#\(anchor)" } ?? record.page
        return try await Flash.after(redirectTo: page, action)
    }

    package init(comments: CommentStore, notes: NoteStore) {
        self.comments = comments
        self.notes = notes
    }
}
