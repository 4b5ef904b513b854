import Testing

/// Runs one named step of a scenario test and returns what it gives the next step. When the step
/// throws (a failed `#require`, a refused request), the failure names the step before the error
/// ends the test, so a broken scenario says where it broke.
///
///     let straws = try await step("process the collection into 3 straws") { … }
func step<T>(
    _ name: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch let failed as ExpectationFailedError {
        // The failed `#require` recorded its own issue; this one says which step it broke.
        Issue.record("step '\(name)' failed", sourceLocation: sourceLocation)
        throw failed
    } catch {
        Issue.record(error, "step '\(name)' failed", sourceLocation: sourceLocation)
        throw error
    }
}
