import Foundation

/// A kind of background work a feature registers: its type name, its title for people, how often
/// it may be tried, what a restart does to a run it cut short, and the work itself.
struct JobKind: Sendable {
    /// What happens to a run cut short by a crash, kill or shutdown.
    enum OnInterrupt: Sendable {
        /// Queue it again (work that is safe to redo from the start, e.g. a backup).
        case retry
        /// Mark it `interrupted` for a person to look at.
        case markInterrupted
    }

    let type: String
    let title: String
    var maxAttempts = 1
    var onInterrupt = OnInterrupt.markInterrupted
    let run: @Sendable (JobExecution) async throws -> JobOutcome
}

/// What a finished job reports: a short summary, and the file it produced (relative to the data
/// directory), which its starter may download.
struct JobOutcome: Sendable {
    var message: String
    var summary: [String: String] = [:]
    var file: String?
}

/// A failure the job reports itself; `retryable` ones are tried again with exponential backoff
/// while attempts remain.
struct JobFailure: Error, CustomStringConvertible {
    let message: String
    var retryable = false
    var description: String { message }
}

/// Thrown at a checkpoint when someone cancelled the job.
struct JobCancelled: Error {}
