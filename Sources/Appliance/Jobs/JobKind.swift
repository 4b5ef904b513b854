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
    package var maxAttempts = 1
    package var onInterrupt = OnInterrupt.markInterrupted
    package let run: @Sendable (JobExecution) async throws -> JobOutcome
}

/// What a finished job reports: a short summary, and the file it produced (relative to the data
/// directory), which its starter may download.
package struct JobOutcome: Sendable {
    package var message: String
    package var summary: [String: String] = [:]
    package var file: String?
}

/// A failure the job reports itself; `retryable` ones are tried again with exponential backoff
/// while attempts remain.
package struct JobFailure: Error, CustomStringConvertible {
    package let message: String
    package var retryable = false
    package var description: String { message }
}

/// Thrown at a checkpoint when someone cancelled the job.
package struct JobCancelled: Error {}
