import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Scheduled reports: each day the `reports_send` schedule queues in the outbox every saved report
/// whose schedule is due, to each of its recipients, with the report as CSV and HTML attached; the
/// sending is audited on the definition, which records the day.
package struct ReportMail: Sendable {
    package let database: AppDatabase
    package let pages: PageRenderer

    package init(database: AppDatabase, pages: PageRenderer) { (self.database, self.pages) = (database, pages) }

    package static let schedule = ScheduledTask(
        name: "reports_send", title: "Scheduled reports", jobType: "reports.send", defaultCron: "0 6 * * *")

    package var job: JobKind {
        JobKind(type: "reports.send", title: "Scheduled reports", permission: "admin", maxAttempts: 3) { execution in
            let sent = try await sendDue(context: execution.job.eventContext)
            execution.log("Queued \(sent) scheduled reports")
            return JobOutcome(message: "\(sent) scheduled reports queued", summary: ["reports": String(sent)])
        }
    }

    /// Queues every report due today (the lab's day); how many were queued.
    @discardableResult
    package func sendDue(context: EventContext) async throws -> Int {
        let today = pages.time.today
        let due = try await database.read { db in
            try SavedReport.filter(sql: "schedule <> ''").order(sql: "id").fetchAll(db)
        }.filter { $0.isDue(today: today) }
        for saved in due { try await send(saved, today: today, context: context) }
        return due.count
    }

    /// Queues `saved` as read today to each recipient, and records it as sent today.
    package func send(_ saved: SavedReport, today: String, context: EventContext) async throws {
        let time = pages.time
        let document = try await database.read { try ReportDocument.read($0, saved, today: today, time: time) }
        let attachments = [
            EmailMessage.Attachment(
                filename: document.filename + ".csv", contentType: "text/csv; charset=utf-8",
                content: Data(document.csv.utf8)),
            EmailMessage.Attachment(
                filename: document.filename + ".html", contentType: "text/html; charset=utf-8",
                content: Data(pages.document("reports/report-document", model: document).utf8)),
        ]
        try await database.write(context) { write in
            let mail = ScheduledReportMail(
                title: document.title, from: document.from, to: document.to, previousFrom: document.previousFrom,
                previousTo: document.previousTo,
                summary: document.summary.map {
                    ScheduledReportMail.Figure(
                        label: $0.label, value: $0.value, previous: $0.previous, change: $0.change)
                })
            for address in saved.addresses {
                try EmailMessage.queue(
                    write.db, to: address, mail: mail,
                    subject: "\(document.title): \(document.from) to \(document.to)", attachments: attachments)
            }
            var sent = saved
            sent.lastSentOn = today
            sent.updatedAt = Date()
            try write.update(sent, from: saved, action: "saved_report.send", reason: "emailed to \(saved.recipients)")
        }
    }
}
