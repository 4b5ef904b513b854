import Foundation

/// How long a test waits for something the server does in the background (a job, a scheduled run,
/// a mail, a warmed cache). Generous because CI runs every suite at once on two cores: a wait that
/// succeeds returns at once, so only a test that is failing anyway pays the whole minute.
let backgroundWait: Duration = .seconds(60)

/// Evaluates `check` every `interval` until it answers a value, for `backgroundWait` at most,
/// and returns the first value, or nil when the time ran out.
func poll<T>(
    every interval: Duration = .milliseconds(50), _ check: () async throws -> T?
) async throws -> T? {
    let deadline = ContinuousClock.now + backgroundWait
    while true {
        if let value = try await check() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try await Task.sleep(for: interval)
    }
}
