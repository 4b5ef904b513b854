import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// LN2 fill reminders (`storage.ln2_reminders`): a tank whose last fill (or, never filled, its
/// creation) is older than `storage.ln2_fill_days` notifies lab staff, at most once a day per tank.
package struct TankReminders: Sendable {
    package let fillDays: Int
    /// The reminder names the last fill on the lab's clock.
    package let time: LabTime

    package static let schedule = ScheduledTask(
        name: "ln2_reminders", title: "LN2 fill reminders", jobType: "storage.ln2_reminders", defaultCron: "0 7 * * *")

    package struct Overdue: Sendable, Decodable, FetchableRecord {
        package let id: Int64
        package let name: String
        package let lastFill: Date?
    }

    /// Tanks past their fill interval at `now`, the longest overdue first.
    package static func overdue(_ db: Database, fillDays: Int, now: Date) throws -> [Overdue] {
        try Overdue.fetchAll(
            db,
            sql: """
                SELECT c.id, c.name, MAX(f.filled_at) AS lastFill
                FROM storage_containers c LEFT JOIN tank_fills f ON f.container_id = c.id
                WHERE c.kind = 'tank'
                GROUP BY c.id
                HAVING COALESCE(MAX(f.filled_at), c.created_at) < ?
                ORDER BY COALESCE(MAX(f.filled_at), c.created_at)
                """,
            arguments: [now.addingTimeInterval(-Double(fillDays) * 86_400)])
    }

    package var job: JobKind {
        JobKind(
            type: "storage.ln2_reminders", title: "LN2 fill reminders", permission: "storage:read", maxAttempts: 3,
            onInterrupt: .retry
        ) {
            execution in
            let now = Date()
            let (fillDays, time) = (fillDays, time)
            let notified = try await execution.database.write { db -> [String] in
                try Self.overdue(db, fillDays: fillDays, now: now).filter { tank in
                    let since = tank.lastFill.map { "since \(time.text($0))" }
                    return try Notification.remindDaily(
                        db, link: "/storage/\(tank.id)", title: "LN2 fill overdue: \(tank.name)",
                        body: "No fill recorded \(since ?? "yet") (interval \(fillDays) days).", now: now)
                }.map(\.name)
            }
            execution.log(
                notified.isEmpty ? "No tank is overdue" : "Reminded about \(notified.joined(separator: ", "))")
            return JobOutcome(
                message: notified.isEmpty ? "No tank is overdue" : "\(notified.count) tanks overdue",
                summary: ["overdue": String(notified.count)])
        }
    }

    package init(fillDays: Int, time: LabTime) {
        self.fillDays = fillDays
        self.time = time
    }
}
