import Attachments
import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Tasks: each operation is named where its route is declared.

extension APIOperation {
    package static let listTasks = APIOperation(
        "List tasks",
        "By id unless sorted. Filter by assignee, status, due days and the record a task is about.",
        parameters: [
            .query(
                "assignee_id", "A user's id, me (the caller, a person) or none (unassigned).",
                .string(maxLength: 20).with("pattern", .text("^(me|none|[1-9][0-9]{0,17})$"))
                    .examples(["me", "none", "3"])),
            .query(
                "status", "One or more of open, in_progress, done, cancelled, comma-separated.",
                .string(maxLength: 60).examples(["open,in_progress"])),
            .query("due_from", "Due on or after this day.", .date),
            .query("due_to", "Due on or before this day.", .date),
            .query("entity_type", "The kind of record the tasks are about.", .attachableEntity),
            .query("entity_id", "That record's id (with entity_type).", .recordID),
            .query(
                "sort",
                "Order: a column, with - for descending; by id (ascending) when absent. Cursors keep the order, with the id breaking ties.",
                .enumeration(
                    ["id", "-id"] + TaskStore.sortable.flatMap { [$0, "-" + $0] })),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .task), "One page."),
            400: "A bad parameter (field names it).",
            422: "An unknown record type (field entity_type).",
        ]
    )

    package static let addTask = APIOperation(
        "Add a task",
        """
        Audited. The assignee is notified in the app and by email (not when assigning oneself). A task \
        about a record needs a record of that kind that exists and that the caller may read.
        """,
        body: .json(.taskInput),
        responses: [
            201: .json(.task, "Created."),
            400: "Malformed.",
            403: "The record is not the caller's to read.",
            422: "No title, an unknown assignee, a bad day, or an unknown record (field names it).",
        ]
    )

    package static let oneTask = APIOperation(
        "One task",
        parameters: [.id],
        responses: [
            200: .json(.task, "The task."),
            404: "No such task.",
        ]
    )

    package static let changeTask = APIOperation(
        "Change a task",
        """
        Only given fields change; audited with the before and after (and the reason, when given). A new \
        assignee is notified. assignee_id null, due_on "" and entity_type "" clear them.
        """,
        parameters: [.id],
        body: .json(.taskInput),
        responses: [
            200: .json(.task, "Changed."),
            400: "Malformed.",
            403: "The record is not the caller's to read.",
            404: "No such task.",
            422: "A rule failed (field names it).",
        ]
    )
}

extension APISchema {
    package static let taskPriority = APISchema.enumeration(["low", "normal", "high", "urgent"])
    package static let taskStatus = APISchema.enumeration(["open", "in_progress", "done", "cancelled"])

    package static let task: APISchema = .object(
        [
            "id": .integer,
            "title": .string(minLength: 1, maxLength: TaskStore.maxTitle),
            "description": .string(maxLength: TaskStore.maxDescription),
            "assignee_id": .integer.nullable,
            "due_on": APISchema.date.nullable.described("The lab's calendar day."),
            "priority": .taskPriority,
            "status": .taskStatus,
            "entity_type": APISchema.enumeration(APISchema.attachableEntities, orNull: true),
            "entity_id": .integer.nullable,
            "created_by": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ],
        required: ["id", "title", "description", "priority", "status", "created_by", "created_at", "updated_at"]
    ).named("Task")

    package static let taskInput: APISchema = .object(
        [
            "title": .string(minLength: 1, maxLength: TaskStore.maxTitle),
            "description": .string(maxLength: TaskStore.maxDescription),
            "assignee_id": APISchema.recordID.nullable.described("An active user's id; null for nobody."),
            "due_on": APISchema.oneOf([.date, .enumeration([""])]).described("YYYY-MM-DD; empty for none."),
            "priority": .taskPriority,
            "status": .taskStatus,
            "entity_type": APISchema.enumeration(APISchema.attachableEntities + [""])
                .described("The kind of record the task is about; empty to unlink."),
            "entity_id": APISchema.recordID.nullable,
            "reason": .string(maxLength: AuditTrail.maxReason),
        ]
    ).named("TaskInput")
}
