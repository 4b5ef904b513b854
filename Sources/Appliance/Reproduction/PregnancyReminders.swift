import Foundation
import GRDB

/// Pregnancy check reminders (`schedule.pregnancy_reminders`): a transfer whose first check is
/// due (`reproduction.first_check_days` for the recipient's species) and not yet recorded
/// notifies lab staff, at most once a day per transfer.
struct PregnancyReminders: Sendable {
    let settings: ReproductionSettings

    static let schedule = ScheduledTask(
        name: "pregnancy_reminders", title: "Pregnancy check reminders", jobType: "reproduction.pregnancy_reminders",
        defaultCron: "0 7 * * *")

    var job: JobKind {
        JobKind(
            type: "reproduction.pregnancy_reminders", title: "Pregnancy check reminders", maxAttempts: 3,
            onInterrupt: .retry
        ) { execution in
            let now = Date()
            let settings = settings
            let count = try await execution.database.write { db -> Int in
                let staff = try Notification.users(db, roles: [.admin, .director, .technician])
                var count = 0
                for due in try TransferStore.due(db, settings: settings, on: Day.text(now)) {
                    let link = "/reproduction/transfers/\(due.transferId)"
                    let remindedToday = try !Notification.filter(
                        Notification.CodingKeys.link == link
                            && Notification.CodingKeys.kind == Notification.Kind.reminder
                            && Notification.CodingKeys.createdAt > now.addingTimeInterval(-20 * 3600)
                    ).isEmpty(db)
                    guard !remindedToday else { continue }
                    try Notification.post(
                        db, to: staff, kind: .reminder, title: "Pregnancy check due: \(due.recipient)",
                        body: "Transferred \(due.transferredOn); first check due \(due.dueOn).", link: link)
                    count += 1
                }
                return count
            }
            execution.log(count == 0 ? "No pregnancy check is due" : "Reminded about \(count) transfers")
            return JobOutcome(
                message: count == 0 ? "No pregnancy check is due" : "\(count) pregnancy checks due",
                summary: ["due": String(count)])
        }
    }
}
