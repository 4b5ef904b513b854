import Foundation

/// A kind of background work a feature registers: its type name, its title for people, how often
/// it may be tried, what a restart does to a run it cut short, and the work itself.
package struct JobKind: Sendable {
    /// What happens to a run cut short by a crash, kill or shutdown.
    package enum OnInterrupt: Sendable {
        /// Queue it again (work that is safe to redo from the start, e.g. a backup).
        case retry
        /// Mark it `interrupted` for a person to look at.
        case markInterrupted
    }

    package let type: String
    package let title: String
    /// The permission (as the server's `Permission` names it) a caller needs to see a job of this
    /// kind and fetch its result. Having started the job is not enough: a `samples:read` API key of
    /// an administrator must not reach the administrator's backups.
    package let permission: String
    package var maxAttempts = 1
    package var onInterrupt = OnInterrupt.markInterrupted
    package let run: @Sendable (JobExecution) async throws -> JobOutcome

    package init(
        type: String, title: String, permission: String, maxAttempts: Int = 1,
        onInterrupt: OnInterrupt = .markInterrupted, run: @escaping @Sendable (JobExecution) async throws -> JobOutcome
    ) {
        self.type = type
        self.title = title
        self.permission = permission
        self.maxAttempts = maxAttempts
        self.onInterrupt = onInterrupt
        self.run = run
    }
}

/// What a finished job reports: a short summary, and the file it produced (relative to the data
/// directory), which its starter may download.
package struct JobOutcome: Sendable {
    package var message: String
    package var summary: [String: String] = [:]
    package var file: String?

    package init(message: String, summary: [String: String] = [:], file: String? = nil) {
        self.message = message
        self.summary = summary
        self.file = file
    }
}

/// A failure the job reports itself; `retryable` ones are tried again with exponential backoff
/// while attempts remain.
package struct JobFailure: Error, CustomStringConvertible {
    package let message: String
    package var retryable = false
    package var description: String { message }

    package init(message: String, retryable: Bool = false) {
        self.message = message
        self.retryable = retryable
    }
}

/// Thrown at a checkpoint when someone cancelled the job.
package struct JobCancelled: Error {}
