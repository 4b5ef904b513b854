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

/// Polls `GET /api/v1/jobs/{id}` until `done` holds (`backgroundWait` at most) and returns the last answer.
func waitForJob(
    _ client: any TestClientProtocol, _ id: Int, auth: String,
    until done: ([String: Any]) -> Bool = {
        !["queued", "running"].contains($0["state"] as? String ?? "")
    }
) async throws -> [String: Any] {
    var job: [String: Any] = [:]
    let finished = try await poll(every: .milliseconds(20)) { () async throws -> [String: Any]? in
        job = try await client.send(.get, "/api/v1/jobs/\(id)", auth: auth).json()
        return done(job) ? job : nil
    }
    if let finished { return finished }
    Issue.record("job \(id) never reached the expected state: \(job)")
    return job
}
