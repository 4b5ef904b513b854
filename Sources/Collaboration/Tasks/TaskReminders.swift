import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The daily reminder of tasks that fall due (today or tomorrow, on the lab's calendar) or are
/// overdue: their assignees are told, in-app and by email, once per task, kind and due day
/// (`task_reminders`), however often the schedule runs.
package struct TaskReminders: Sendable {
    package let time: LabTime

    package static let schedule = ScheduledTask(
        name: "task_reminders", title: "Task due reminders", jobType: "tasks.reminders", defaultCron: "0 7 * * *")

    package enum Kind: String, Sendable {
        case dueSoon = "due_soon"
        case overdue
    }

    /// Sends the reminders due at `now`; the titles of the tasks reminded about.
    package static func remind(_ db: Database, today: String) throws -> [String] {
        let tomorrow = Day.adding(1, to: today) ?? today
        let tasks = try LabTask.filter(
            [LabTask.Status.open, .inProgress].contains(LabTask.CodingKeys.status)
                && LabTask.CodingKeys.assigneeId != nil && LabTask.CodingKeys.dueOn <= tomorrow
        ).order(LabTask.CodingKeys.dueOn, LabTask.CodingKeys.id).fetchAll(db)
        var reminded: [String] = []
        for task in tasks {
            guard let id = task.id, let due = task.dueOn, let assignee = task.assigneeId,
                let user = try User.fetchOne(db, key: assignee), user.status == .active
            else { continue }
            let kind: Kind = due < today ? .overdue : .dueSoon
            let sent =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM task_reminders WHERE task_id = ? AND kind = ? AND due_on = ?",
                    arguments: [id, kind.rawValue, due]) ?? false
            guard !sent else { continue }
            try db.execute(
                sql: "INSERT INTO task_reminders (task_id, kind, due_on, sent_at) VALUES (?, ?, ?, ?)",
                arguments: [id, kind.rawValue, due, Date()])
            let when = due < today ? "was due \(due)" : due == today ? "is due today" : "is due tomorrow"
            try Notification.post(
                db, to: [user], kind: .task,
                title: kind == .overdue ? "Task overdue: \(task.title)" : "Task due soon: \(task.title)",
                body: "This task \(when) (priority \(task.priority.rawValue), \(task.status.label.lowercased())).",
                link: "/tasks/\(id)")
            reminded.append(task.title)
        }
        return reminded
    }

    package var job: JobKind {
        JobKind(
            type: "tasks.reminders", title: "Task due reminders", permission: "tasks:read", maxAttempts: 3,
            onInterrupt: .retry
        ) { execution in
            let today = time.isoDay(Date())
            let reminded = try await execution.database.write { try Self.remind($0, today: today) }
            execution.log(
                reminded.isEmpty ? "No task falls due" : "Reminded about \(reminded.joined(separator: ", "))")
            return JobOutcome(
                message: reminded.isEmpty ? "No task falls due" : "\(reminded.count) tasks reminded",
                summary: ["reminded": String(reminded.count)])
        }
    }

    package init(time: LabTime) {
        self.time = time
    }
}
