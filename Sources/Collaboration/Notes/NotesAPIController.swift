import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/notes`: a record's journal, listed, read and appended to; nothing in it is changed.
package struct NotesAPIController {
    package let store: NoteStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/notes", .notesRead, .listNotes) { request, context in
            let query = ListQuery(request)
            let page = try await store.list(
                entityType: try query.configured("entity_type", in: store.records.entities),
                entityID: try query.id("entity_id"), readable: store.records.readable(by: context.principal),
                after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/notes", .notesWrite, .addNote) { request, context in
            let input = try await request.decode(as: NoteStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await store.add(input, principal: context.principal, context: context.eventContext))
        }
        routes.get("/api/v1/notes/{id}", .notesRead, .oneNote) { _, context in
            try await store.note(id: try context.id(), principal: context.principal)
        }
    }

    package init(store: NoteStore) {
        self.store = store
    }
}
