import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer

/// The nightly clean-up (`retention.cleanup`): expired sessions, refresh tokens and reset links,
/// finished jobs and their files past `jobs.keep_days`, read notifications, delivered mail and
/// finished webhook deliveries after 90 days. The counts land in the audit trail as one event.
package struct Retention: Sendable {
    package let queue: JobQueue
    package let keepJobDays: Int

    package static let schedule = ScheduledTask(
        name: "retention", title: "Retention clean-up", jobType: "retention.cleanup", defaultCron: "15 3 * * *")

    package var job: JobKind {
        JobKind(
            type: "retention.cleanup", title: "Retention clean-up", permission: "admin", maxAttempts: 3,
            onInterrupt: .retry
        ) {
            execution in
            let now = Date()
            let ninetyDays = now.addingTimeInterval(-90 * 86_400)
            execution.progress(10, "Removing expired sign-in records")
            var counts = try await execution.database.write(execution.context) { write -> [String: String] in
                let db = write.db
                let expired = Column("expires_at") < now
                let counts = [
                    "sessions": try Session.filter(expired).deleteAll(db),
                    "refresh_tokens": try Table("refresh_tokens").filter(expired).deleteAll(db),
                    "password_resets": try Table("password_resets").filter(expired).deleteAll(db),
                    "notifications": try Notification.filter(
                        Notification.CodingKeys.readAt != nil && Notification.CodingKeys.readAt < ninetyDays
                    ).deleteAll(db),
                    "emails": try EmailMessage.filter(
                        EmailMessage.CodingKeys.state == EmailMessage.State.sent
                            && EmailMessage.CodingKeys.sentAt < ninetyDays
                    ).deleteAll(db),
                    "webhook_deliveries": try WebhookDelivery.filter(
                        WebhookDelivery.CodingKeys.state != WebhookDelivery.State.pending
                            && WebhookDelivery.CodingKeys.createdAt < ninetyDays
                    ).deleteAll(db),
                ].mapValues(String.init)
                try write.log(
                    "retention", entityType: "system", entityID: "retention",
                    after: AuditValue.encode(counts.mapValues(AuditValue.text)))
                return counts
            }
            try execution.checkpoint()
            execution.progress(60, "Removing old jobs")
            counts["jobs"] = String(
                try await queue.deleteFinished(before: now.addingTimeInterval(-Double(keepJobDays) * 86_400)))
            execution.log(counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
            return JobOutcome(message: "Clean-up done", summary: counts)
        }
    }

    package init(queue: JobQueue, keepJobDays: Int) {
        self.queue = queue
        self.keepJobDays = keepJobDays
    }
}
