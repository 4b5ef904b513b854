import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Pregnancy check reminders (`schedule.pregnancy_reminders`): a transfer whose first check is
/// due (`reproduction.first_check_days` for the recipient's species) and not yet recorded
/// notifies lab staff, at most once a day per transfer.
package struct PregnancyReminders: Sendable {
    package let settings: ReproductionSettings

    package static let schedule = ScheduledTask(
        name: "pregnancy_reminders", title: "Pregnancy check reminders", jobType: "reproduction.pregnancy_reminders",
        defaultCron: "0 7 * * *")

    package var job: JobKind {
        JobKind(
            type: "reproduction.pregnancy_reminders", title: "Pregnancy check reminders",
            permission: "reproduction:read", maxAttempts: 3,
            onInterrupt: .retry
        ) { execution in
            let now = Date()
            let settings = settings
            let count = try await execution.database.write { db -> Int in
                try TransferStore.due(db, settings: settings, on: Day.text(now)).filter { due in
                    try Notification.remindDaily(
                        db, link: "/reproduction/transfers/\(due.transferId)",
                        title: "Pregnancy check due: \(due.recipient)",
                        body: "Transferred \(due.transferredOn); first check due \(due.dueOn).", now: now)
                }.count
            }
            execution.log(count == 0 ? "No pregnancy check is due" : "Reminded about \(count) transfers")
            return JobOutcome(
                message: count == 0 ? "No pregnancy check is due" : "\(count) pregnancy checks due",
                summary: ["due": String(count)])
        }
    }

    package init(settings: ReproductionSettings) {
        self.settings = settings
    }
}
