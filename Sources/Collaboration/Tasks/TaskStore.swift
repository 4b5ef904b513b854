import Attachments
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for tasks. Every write is audited with its before and after, and the
/// assignee's notification (in-app and email, through the outbox) commits in the same transaction.
package struct TaskStore: Sendable {
    package let database: AppDatabase
    /// The kinds of record a task may be about (the attachable ones, decision 0034).
    package let records: AttachableRecords
    /// Due days are the lab's days.
    package let time: LabTime

    package static let maxTitle = 200
    package static let maxDescription = 10_000

    /// What a create or change says; for a change, only what is given changes. Clearing is saying
    /// nothing in the field's own way: `null` or `""` for the assignee, `""` for the due day and
    /// the record.
    package struct Input: Decodable, Sendable {
        package var title: String?
        package var description: String?
        /// Not given: unchanged; `.some(nil)`: nobody.
        package var assigneeId: Int64??
        package var dueOn: String?
        package var priority: String?
        package var status: String?
        package var entityType: String?
        package var entityId: Int64??
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case title, description, priority, status, reason
            case assigneeId = "assignee_id"
            case dueOn = "due_on"
            case entityType = "entity_type"
            case entityId = "entity_id"
        }

        package init(
            title: String? = nil, description: String? = nil, assigneeId: Int64?? = nil, dueOn: String? = nil,
            priority: String? = nil, status: String? = nil, entityType: String? = nil, entityId: Int64?? = nil,
            reason: String? = nil
        ) {
            (self.title, self.description, self.assigneeId, self.dueOn) = (title, description, assigneeId, dueOn)
            (self.priority, self.status, self.entityType, self.entityId) = (priority, status, entityType, entityId)
            self.reason = reason
        }

        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            dueOn = try container.decodeIfPresent(String.self, forKey: .dueOn)
            priority = try container.decodeIfPresent(String.self, forKey: .priority)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            entityType = try container.decodeIfPresent(String.self, forKey: .entityType)
            reason = try container.decodeIfPresent(String.self, forKey: .reason)
            assigneeId = try Self.optionalID(container, .assigneeId)
            entityId = try Self.optionalID(container, .entityId)
        }

        /// An id from JSON (a number or `null`) or a form (digits, or empty for none).
        private static func optionalID(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws
            -> Int64??
        {
            guard container.contains(key) else { return nil }
            if try container.decodeNil(forKey: key) { return .some(nil) }
            if let id = try? container.decode(Int64.self, forKey: key) { return .some(id) }
            let text = try container.decode(String.self, forKey: key).trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return .some(nil) }
            guard let id = Int64(text) else {
                throw APIError.validationFailed("\(key.rawValue) must be an id (a whole number).", field: key.rawValue)
            }
            return .some(id)
        }
    }

    package struct Filter: Sendable {
        /// `.some(nil)`: unassigned tasks.
        package var assigneeId: Int64??
        package var statuses: [LabTask.Status] = []
        package var dueFrom: String?
        package var dueTo: String?
        package var entityType: String?
        package var entityId: Int64?

        package init(
            assigneeId: Int64?? = nil, statuses: [LabTask.Status] = [], dueFrom: String? = nil, dueTo: String? = nil,
            entityType: String? = nil, entityId: Int64? = nil
        ) {
            (self.assigneeId, self.statuses, self.dueFrom, self.dueTo) = (assigneeId, statuses, dueFrom, dueTo)
            (self.entityType, self.entityId) = (entityType, entityId)
        }
    }

    /// The columns a list may be sorted by.
    package static let sortable = ["due_on", "priority", "title", "created_at", "updated_at"]

    package func create(_ input: Input, principal: Principal?, context: EventContext) async throws -> LabTask {
        guard input.title.map({ !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) == true else {
            throw APIError.validationFailed("Give the task a title.", field: "title")
        }
        return try await database.write(context) { write in
            let now = Date()
            var task = LabTask(title: "", createdBy: context.actorName, createdAt: now, updatedAt: now)
            try apply(input, to: &task, db: write.db, principal: principal)
            try write.insert(&task)
            try notifyAssignee(write.db, task, previous: nil, by: context)
            return task
        }
    }

    package func update(id: Int64, _ input: Input, principal: Principal?, context: EventContext) async throws
        -> LabTask
    {
        try await database.write(context) { write in
            guard let previous = try LabTask.fetchOne(write.db, key: id) else { throw LabTask.notFound }
            var task = previous
            try apply(input, to: &task, db: write.db, principal: principal)
            task.updatedAt = Date()
            try write.update(task, from: previous, reason: input.reason)
            try notifyAssignee(write.db, task, previous: previous, by: context)
            return try LabTask.fetchOne(write.db, key: id) ?? task
        }
    }

    package func task(id: Int64) async throws -> LabTask {
        guard let task = try await database.read({ try LabTask.fetchOne($0, key: id) }) else { throw LabTask.notFound }
        return task
    }

    package func list(_ filter: Filter, order: ListOrder, after: KeysetPosition?, limit: Int) async throws
        -> (items: [LabTask], next: KeysetPosition?)
    {
        try await database.read { db in
            try Self.request(filter).page(db, order: order, after: after, limit: limit)
        }
    }

    /// Open tasks first by due day (those without one last), then by priority, at most `limit`:
    /// the pages' lists, which show a person's or a column's work at a glance.
    package func agenda(_ filter: Filter, limit: Int = 200) async throws -> [LabTask] {
        try await database.read { db in
            try Self.request(filter).order(
                SQL("due_on IS NULL"), LabTask.CodingKeys.dueOn,
                SQL("CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"),
                LabTask.CodingKeys.id
            ).limit(limit).fetchAll(db)
        }
    }

    /// The tasks about one record, open ones first, for its page.
    package static func tasks(in database: AppDatabase, of entityType: String, id: Int64) async throws -> [LabTask] {
        try await database.read { db in
            try request(Filter(entityType: entityType, entityId: id))
                .order(SQL("status IN ('done', 'cancelled')"), SQL("due_on IS NULL"), LabTask.CodingKeys.dueOn)
                .limit(100).fetchAll(db)
        }
    }

    private static func request(_ filter: Filter) -> QueryInterfaceRequest<LabTask> {
        var request = LabTask.all()
        if let assignee = filter.assigneeId { request = request.filter(LabTask.CodingKeys.assigneeId == assignee) }
        if !filter.statuses.isEmpty { request = request.filter(filter.statuses.contains(LabTask.CodingKeys.status)) }
        if let from = filter.dueFrom { request = request.filter(LabTask.CodingKeys.dueOn >= from) }
        if let to = filter.dueTo { request = request.filter(LabTask.CodingKeys.dueOn <= to) }
        if let type = filter.entityType { request = request.filter(LabTask.CodingKeys.entityType == type) }
        if let id = filter.entityId { request = request.filter(LabTask.CodingKeys.entityId == id) }
        return request
    }

    /// The active users a task may be assigned to, by name.
    package func assignees() async throws -> [User] {
        try await database.read { db in
            try User.filter(User.CodingKeys.status == User.Status.active.rawValue)
                .order(User.CodingKeys.displayName).fetchAll(db)
        }
    }

    private func apply(_ input: Input, to task: inout LabTask, db: Database, principal: Principal?) throws {
        if let title = input.title {
            let text = try InputCheck.text(title, field: "title", limit: Self.maxTitle)
            guard !text.isEmpty else { throw APIError.validationFailed("Give the task a title.", field: "title") }
            task.title = text
        }
        if let description = input.description {
            task.description = try InputCheck.text(description, field: "description", limit: Self.maxDescription)
        }
        if let assignee = input.assigneeId {
            if let assignee {
                guard let user = try User.fetchOne(db, key: assignee), user.status == .active else {
                    throw APIError.validationFailed("No active user has id \(assignee).", field: "assignee_id")
                }
                task.assigneeId = user.id
            } else {
                task.assigneeId = nil
            }
        }
        if let due = input.dueOn {
            if due.trimmingCharacters(in: .whitespaces).isEmpty {
                task.dueOn = nil
            } else {
                guard let day = Day.date(due) else {
                    throw APIError.validationFailed("Give the due day as YYYY-MM-DD.", field: "due_on")
                }
                task.dueOn = Day.text(day)
            }
        }
        if let priority = input.priority {
            guard let value = LabTask.Priority(rawValue: priority) else {
                throw APIError.validationFailed(
                    "Priority is one of \(LabTask.Priority.allCases.map(\.rawValue).joined(separator: ", ")).",
                    field: "priority")
            }
            task.priority = value
        }
        if let status = input.status {
            guard let value = LabTask.Status(rawValue: status) else {
                throw APIError.validationFailed(
                    "Status is one of \(LabTask.Status.allCases.map(\.rawValue).joined(separator: ", ")).",
                    field: "status")
            }
            task.status = value
        }
        try link(input, to: &task, db: db, principal: principal)
    }

    /// The record the task is about: a kind that takes tasks, a record of it that exists and that
    /// the caller may read; `entity_type: ""` unlinks.
    private func link(_ input: Input, to task: inout LabTask, db: Database, principal: Principal?) throws {
        guard input.entityType != nil || input.entityId != nil else { return }
        if input.entityType?.isEmpty == true, input.entityId == nil || input.entityId == .some(nil) {
            (task.entityType, task.entityId) = (nil, nil)
            return
        }
        let record = try records.record(input.entityType ?? task.entityType, subject: "A task")
        guard let id = input.entityId ?? task.entityId else {
            throw APIError.validationFailed("Give the id of the \(record.noun).", field: "entity_id")
        }
        try records.check(record, id: id, db: db, principal: principal, write: false)
        (task.entityType, task.entityId) = (record.entity, id)
    }

    /// Tells a newly assigned person: by whom, what, by when. Nobody is told of their own assignment.
    private func notifyAssignee(_ db: Database, _ task: LabTask, previous: LabTask?, by context: EventContext) throws {
        guard let assignee = task.assigneeId, assignee != previous?.assigneeId, assignee != context.personID,
            let user = try User.fetchOne(db, key: assignee)
        else { return }
        try Notification.post(
            db, to: [user], kind: .task, title: "Task assigned to you: \(task.title)",
            body: "\(context.actorName) assigned you this task"
                + (task.dueOn.map { ", due \($0)" } ?? "") + " (priority \(task.priority.rawValue)).",
            link: "/tasks/\(task.id ?? 0)")
    }

    package init(database: AppDatabase, records: AttachableRecords, time: LabTime) {
        self.database = database
        self.records = records
        self.time = time
    }
}
