import Attachments
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/tasks`: list with filters, one, create and change; every write audited.
package struct TasksAPIController {
    package let store: TaskStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/tasks", .tasksRead, .listTasks) { request, context in
            let query = ListQuery(request)
            let filter = try TaskStore.Filter(query, principal: context.principal, records: store.records)
            let page = try await store.list(
                filter, order: try query.order(TaskStore.sortable), after: try query.cursor(),
                limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/tasks", .tasksWrite, .addTask) { request, context in
            let input = try await request.decode(as: TaskStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await store.create(input, principal: context.principal, context: context.eventContext))
        }
        routes.get("/api/v1/tasks/{id}", .tasksRead, .oneTask) { _, context in
            try await store.task(id: try context.id())
        }
        routes.patch("/api/v1/tasks/{id}", .tasksWrite, .changeTask) { request, context in
            let input = try await request.decode(as: TaskStore.Input.self, context: context)
            return try await store.update(
                id: try context.id(), input, principal: context.principal, context: context.eventContext)
        }
    }

    package init(store: TaskStore) {
        self.store = store
    }
}

extension TaskStore.Filter {
    /// `assignee_id` (an id, `me` or `none`), `status` (one or several, comma-separated), `due_from`
    /// and `due_to` (days), and the record (`entity_type`, `entity_id`).
    package init(_ query: ListQuery, principal: Principal?, records: AttachableRecords) throws {
        self.init()
        switch query["assignee_id"] {
        case nil: break
        case "me"?:
            guard let user = principal?.userID else {
                throw APIError.invalid("assignee_id=me needs a person: this key has no owner.", field: "assignee_id")
            }
            assigneeId = .some(user)
        case "none"?: assigneeId = .some(nil)
        default: assigneeId = .some(try query.id("assignee_id"))
        }
        if let text = query["status"] {
            statuses = try text.split(separator: ",").map { name in
                guard let status = LabTask.Status(rawValue: String(name)) else {
                    throw APIError.validationFailed(
                        "status is one or more of \(LabTask.Status.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated.",
                        field: "status")
                }
                return status
            }
        }
        for (name, keyPath) in [("due_from", \Self.dueFrom), ("due_to", \Self.dueTo)] {
            guard let text = query[name] else { continue }
            guard let day = Day.date(text) else {
                throw APIError.invalid("\(name) must be a day (YYYY-MM-DD).", field: name)
            }
            self[keyPath: keyPath] = Day.text(day)
        }
        entityType = try query.configured("entity_type", in: records.entities)
        entityId = try query.id("entity_id")
    }
}
