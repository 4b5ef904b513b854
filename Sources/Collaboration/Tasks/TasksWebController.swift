import Attachments
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The task pages: my tasks, the lab's board, a new task (from a record's panel, about it), and
/// a task's page with its comments, journal, files and history, where it is changed.
package struct TasksWebController {
    package let store: TaskStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/tasks", .tasksRead) { request, context in try await mine(request, context) }
        routes.get("/tasks/board", .tasksRead) { request, context in try await board(request, context) }
        routes.get("/tasks/new", .tasksWrite) { request, context in
            let query = ListQuery(request)
            let input = TaskStore.Input(
                entityType: query["entity_type"], entityId: query["entity_id"].flatMap { Int64($0) }.map { .some($0) })
            return try await new(request, context, input: input, error: nil)
        }
        routes.post("/tasks", .tasksWrite) { request, context in
            let input = try await request.decode(as: TaskStore.Input.self, context: context)
            do {
                let task = try await store.create(input, principal: context.principal, context: context.eventContext)
                return Flash(kind: .success, message: "Task “\(task.title)” was added.")
                    .redirect(to: "/tasks/\(task.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await new(request, context, input: input, error: error)
            }
        }
        routes.get("/tasks/{id}", .tasksRead) { request, context in
            try await detail(request, context, input: nil, error: nil)
        }
        routes.post("/tasks/{id}", .tasksWrite) { request, context in
            let input = try await request.decode(as: TaskStore.Input.self, context: context)
            let id = try context.id()
            do {
                let task = try await store.update(
                    id: id, input, principal: context.principal, context: context.eventContext)
                return Flash(kind: .success, message: "Task “\(task.title)” was saved.").redirect(to: "/tasks/\(id)")
            } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
                return try await detail(request, context, input: input, error: error)
            }
        }
    }

    private func assigneeNames() async throws -> (users: [User], names: [Int64: String]) {
        let users = try await store.assignees()
        return (users, Dictionary(users.compactMap { user in user.id.map { ($0, user.displayName) } }) { a, _ in a })
    }

    private func mine(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let showDone = ListQuery(request)["show"] == "done"
        let today = store.time.isoDay(Date())
        // A key without an owner has no tasks of its own.
        var tasks: [LabTask] = []
        if let user = context.principal?.userID {
            tasks = try await store.agenda(
                .init(assigneeId: .some(user), statuses: showDone ? [.done, .cancelled] : [.open, .inProgress]))
        }
        let names = try await assigneeNames().names
        let rows = tasks.map { TaskRow($0, names: names, records: store.records, today: today) }
        return pages.page(
            "collaboration/tasks", title: "My tasks", section: "tasks", request: request, context: context,
            model: MyTasksPage(
                tasks: rows, hasTasks: !rows.isEmpty, showDone: showDone,
                canWrite: context.principal?.can(.tasksWrite) == true))
    }

    private func board(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let assignee: Int64?? =
            switch query["assignee_id"] {
            case nil: nil
            case "none"?: .some(nil)
            case let text?: Int64(text).map { .some($0) }
            }
        let (users, names) = try await assigneeNames()
        let today = store.time.isoDay(Date())
        var columns: [BoardPage.Column] = []
        for status in LabTask.Status.allCases {
            // Open work in full; of finished work, the latest.
            let tasks = try await store.agenda(
                .init(assigneeId: assignee, statuses: [status]), limit: status.isOpen ? 200 : 30)
            columns.append(
                .init(
                    status: status.rawValue, label: status.label,
                    tasks: tasks.map { TaskRow($0, names: names, records: store.records, today: today) },
                    count: tasks.count))
        }
        let selected = query["assignee_id"] ?? ""
        return pages.page(
            "collaboration/board", title: "Task board", section: "tasks", request: request, context: context,
            model: BoardPage(
                columns: columns,
                assignees: [
                    Choice(value: "", label: "Everyone", selected: selected.isEmpty),
                    Choice(value: "none", label: "Nobody", selected: selected == "none"),
                ]
                    + users.map {
                        Choice(
                            value: String($0.id ?? 0), label: $0.displayName, selected: String($0.id ?? 0) == selected)
                    },
                canWrite: context.principal?.can(.tasksWrite) == true))
    }

    private func new(_ request: Request, _ context: AppRequestContext, input: TaskStore.Input, error: APIError?)
        async throws -> Response
    {
        let users = try await store.assignees()
        return pages.page(
            "collaboration/task-new", title: "New task", section: "tasks", request: request, context: context,
            model: NewTaskPage(
                form: TaskFields(nil, input: input, users: users, records: store.records), error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func detail(_ request: Request, _ context: AppRequestContext, input: TaskStore.Input?, error: APIError?)
        async throws -> Response
    {
        let id = try context.id()
        let task = try await store.task(id: id)
        guard let history = try await store.database.history(LabTask.self, id: id) else { throw LabTask.notFound }
        let (users, names) = try await assigneeNames()
        let row = TaskRow(task, names: names, records: store.records, today: store.time.isoDay(Date()))
        let facts: [TaskPage.Fact] = [
            .init(label: "Status", value: row.status, href: nil),
            .init(label: "Priority", value: row.priority, href: nil),
            .init(label: "Assigned to", value: row.assignee ?? "nobody", href: nil),
            .init(label: "Due", value: (row.due ?? "—") + (row.overdue ? " (overdue)" : ""), href: nil),
            .init(label: "About", value: row.record ?? "—", href: row.recordHref),
            .init(label: "Created", value: "\(pages.time.text(task.createdAt)) by \(task.createdBy)", href: nil),
        ]
        let principal = context.principal
        let model = TaskPage(
            id: id, facts: facts, description: task.description,
            form: TaskFields(task, input: input, users: users, records: store.records),
            activity: try await RecordActivity.load(
                LabTask.attachable, id: id, database: store.database, principal: principal, time: pages.time),
            attachments: try await AttachmentPanel.load(
                LabTask.attachable, id: id, database: store.database, principal: principal, time: pages.time),
            history: history.map { History.Row($0, time: pages.time) }, historyCount: history.count,
            hasHistory: !history.isEmpty, tabHistory: ListQuery(request)["tab"] == "history",
            canWrite: principal?.can(.tasksWrite) == true, error: error?.message)
        return pages.page(
            "collaboration/task", title: task.title, section: "tasks", request: request, context: context,
            model: model, status: error?.httpStatus ?? .ok)
    }

    package init(store: TaskStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
