import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/comments`: list, one and add. Comments are not changed or deleted once written.
package struct CommentsAPIController {
    package let store: CommentStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/comments", .commentsRead, .listComments) { request, context in
            let query = ListQuery(request)
            let page = try await store.list(
                entityType: try query.configured("entity_type", in: store.records.entities),
                entityID: try query.id("entity_id"), readable: store.records.readable(by: context.principal),
                after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/comments", .commentsWrite, .addComment) { request, context in
            let input = try await request.decode(as: CommentStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await store.add(input, principal: context.principal, context: context.eventContext))
        }
        routes.get("/api/v1/comments/{id}", .commentsRead, .oneComment) { _, context in
            try await store.comment(id: try context.id(), principal: context.principal)
        }
    }

    package init(store: CommentStore) {
        self.store = store
    }
}
