import Attachments
import Foundation
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A task as the lists and the board show it.
struct TaskRow: Encodable, Sendable {
    let id: Int64
    let title: String
    let status: String
    let priority: String
    let urgent: Bool
    let due: String?
    let overdue: Bool
    let assignee: String?
    let record: String?
    let recordHref: String?

    init(_ task: LabTask, names: [Int64: String], records: AttachableRecords, today: String) {
        id = task.id ?? 0
        title = task.title
        status = task.status.label
        priority = task.priority.rawValue
        urgent = task.priority == .urgent || task.priority == .high
        due = task.dueOn
        overdue = task.status.isOpen && (task.dueOn.map { $0 < today } ?? false)
        assignee = task.assigneeId.flatMap { names[$0] }
        let kind = task.entityType.flatMap { records[entity: $0] }
        record = kind.map { "\($0.noun) \(task.entityId ?? 0)" }
        recordHref = kind.map { "\($0.page)/\(task.entityId ?? 0)" }
    }
}

/// `collaboration/tasks.mustache`: the signed-in person's tasks.
struct MyTasksPage: Encodable {
    let tasks: [TaskRow]
    let hasTasks: Bool
    let showDone: Bool
    let canWrite: Bool
}

/// `collaboration/board.mustache`: the lab's tasks in a column per status.
struct BoardPage: Encodable {
    struct Column: Encodable {
        let status: String
        let label: String
        let tasks: [TaskRow]
        let count: Int
    }
    let columns: [Column]
    let assignees: [Choice]
    let canWrite: Bool
}

/// The fields of the task form, new or edit.
struct TaskFields: Encodable {
    let title: String
    let description: String
    let dueOn: String
    let assignees: [Choice]
    let priorities: [Choice]
    let statuses: [Choice]
    /// A kind of record a task may be about, with the lookup its picker asks.
    struct Kind: Encodable {
        let value: String
        let label: String
        let selected: Bool
        let lookup: String
    }
    let entityType: String
    let entityId: String
    let kinds: [Kind]
    /// The chosen kind's lookup: the record field is a picker of that kind.
    let recordLookup: String

    init(_ task: LabTask?, input: TaskStore.Input?, users: [User], records: AttachableRecords) {
        let assignee = input?.assigneeId.map { $0.map(String.init) ?? "" } ?? task?.assigneeId.map(String.init) ?? ""
        title = input?.title ?? task?.title ?? ""
        description = input?.description ?? task?.description ?? ""
        dueOn = input?.dueOn ?? task?.dueOn ?? ""
        assignees =
            [Choice(value: "", label: "Nobody", selected: assignee.isEmpty)]
            + users.map {
                Choice(value: String($0.id ?? 0), label: $0.displayName, selected: String($0.id ?? 0) == assignee)
            }
        priorities = Choice.list(
            LabTask.Priority.allCases.map(\.rawValue), selected: input?.priority ?? task?.priority.rawValue ?? "normal")
        let status = input?.status ?? task?.status.rawValue ?? "open"
        statuses = LabTask.Status.allCases.map {
            Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == status)
        }
        let kind = input?.entityType ?? task?.entityType ?? ""
        entityType = kind
        let id = input?.entityId.map { $0.map(String.init) ?? "" } ?? task?.entityId.map(String.init)
        entityId = id ?? ""
        kinds =
            [Kind(value: "", label: "No record", selected: kind.isEmpty, lookup: "")]
            + records.all.filter { $0.entity != LabTask.auditEntity }.map {
                Kind(value: $0.entity, label: $0.noun, selected: $0.entity == kind, lookup: $0.lookup ?? "")
            }
        recordLookup = records[entity: kind]?.lookup ?? ""
    }
}

/// `collaboration/task-new.mustache`.
struct NewTaskPage: Encodable {
    let form: TaskFields
    let error: String?
}

/// `collaboration/task.mustache`: one task, its comments, notes and files, and its history.
struct TaskPage: Encodable {
    struct Fact: Encodable {
        let label: String
        let value: String
        let href: String?
    }
    let id: Int64
    let facts: [Fact]
    let description: String
    let form: TaskFields
    let activity: RecordActivity?
    let attachments: AttachmentPanel?
    let history: [History.Row]
    let historyCount: Int
    let hasHistory: Bool
    let tabHistory: Bool
    let canWrite: Bool
    let error: String?
}
