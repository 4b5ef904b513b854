import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Delivers the email outbox in the background. Without `smtp.host` it sends nothing and fails
/// nothing: messages wait in the outbox, where the admin sees them.
///
/// A failed attempt is retried with exponential backoff; after ``maxAttempts`` the message is
/// `dead` and keeps its last error.
package struct OutboxSender: Service {
    package static let maxAttempts = 6

    package let database: AppDatabase
    package let settings: SMTPSettings?
    /// The wait after the first failure; each further failure doubles it.
    package let retryBase: Duration
    package var pollInterval: Duration = .seconds(2)
    package let logger = Logger(label: "labbox.mail")

    package func run() async throws {
        guard settings != nil else {
            // Nothing to deliver; a service that ends early would stop the whole server.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await sendDue() == 0 { try await Task.sleep(for: pollInterval) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("outbox: \(error)")
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
    }

    /// Attempts every message that is due; returns how many it attempted.
    package func sendDue() async throws -> Int {
        guard let settings else { return 0 }
        let due = try await database.read { db in
            try EmailMessage.filter(
                EmailMessage.CodingKeys.state == EmailMessage.State.queued
                    && EmailMessage.CodingKeys.nextAttemptAt <= Date()
            ).order(EmailMessage.CodingKeys.id).limit(20).fetchAll(db)
        }
        for var message in due {
            let outcome: Error?
            do {
                try await SMTPClient.send(message, with: settings)
                outcome = nil
            } catch {
                outcome = error
            }
            message.attempts += 1
            if let outcome {
                message.lastError = String(describing: outcome)
                if message.attempts >= Self.maxAttempts {
                    message.state = .dead
                    logger.error("mail \(message.id ?? 0) to \(message.recipient) gave up: \(outcome)")
                } else {
                    let wait = retryBase * (1 << (message.attempts - 1))
                    message.nextAttemptAt = Date().addingTimeInterval(wait / .seconds(1))
                }
            } else {
                (message.state, message.sentAt, message.lastError) = (.sent, Date(), nil)
            }
            let update = message
            try await database.write { db in try update.update(db) }
        }
        return due.count
    }

    package init(
        database: AppDatabase, settings: SMTPSettings?, retryBase: Duration, pollInterval: Duration = .seconds(2)
    ) {
        self.database = database
        self.settings = settings
        self.retryBase = retryBase
        self.pollInterval = pollInterval
    }
}
