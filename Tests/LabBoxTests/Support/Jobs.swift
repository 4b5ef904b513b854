import Foundation
import HummingbirdTesting
import LabBoxPlatform
import Testing

/// Runs the server's job workers while `body` runs.
func withJobRunner<T: Sendable>(_ server: TestServer, _ body: () async throws -> T) async throws -> T {
    let runner = Task {
        try await JobRunner(queue: server.services.jobs, workers: 2, pollInterval: .milliseconds(20)).run()
    }
    defer { runner.cancel() }
    return try await body()
}

/// Polls `GET /api/v1/jobs/{id}` until `done` holds (10 s at most) and returns the last answer.
func waitForJob(
    _ client: any TestClientProtocol, _ id: Int, auth: String,
    until done: ([String: Any]) -> Bool = {
        !["queued", "running"].contains($0["state"] as? String ?? "")
    }
) async throws -> [String: Any] {
    var job: [String: Any] = [:]
    for _ in 0..<500 {
        job = try await client.send(.get, "/api/v1/jobs/\(id)", auth: auth).json()
        if done(job) { return job }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("job \(id) never reached the expected state: \(job)")
    return job
}
