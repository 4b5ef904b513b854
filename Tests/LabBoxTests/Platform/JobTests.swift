import Biobank
import Customers
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Synchronization
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

@Suite struct JobTests {
    @Test func progressIsLiveWhileAJobRunsAndTheResultIsRecorded() async throws {
        let server = try TestServer()
        let released = Atomic<Bool>(false)
        server.services.jobs.register(
            JobKind(type: "test.gate", title: "Gate", permission: "admin") { execution in
                execution.progress(40, "halfway")
                execution.log("waiting at the gate")
                while !released.load(ordering: .relaxed) {
                    try execution.checkpoint()
                    try await Task.sleep(for: .milliseconds(10))
                }
                return JobOutcome(message: "through", summary: ["answer": "42"])
            })
        let admin = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                let job = try await server.services.jobs.enqueue("test.gate", by: nil, context: .commandLine)
                let id = Int(job.id ?? 0)
                let running = try await waitForJob(client, id, auth: admin) { $0["progress"] as? Int == 40 }
                #expect(running["state"] as? String == "running")
                #expect(running["message"] as? String == "halfway")
                released.store(true, ordering: .relaxed)
                let done = try await waitForJob(client, id, auth: admin)
                #expect(done["state"] as? String == "succeeded")
                #expect(done["progress"] as? Int == 100)
                #expect((done["result"] as? [String: String])?["answer"] == "42")
                #expect((done["log"] as? [String])?.contains("waiting at the gate") == true)
            }
        }
    }

    @Test func cancellingARunningJobRollsBackItsWork() async throws {
        let server = try TestServer()
        server.services.jobs.register(
            JobKind(type: "test.customers", title: "Customers", permission: "customers:write") { execution in
                try await execution.database.write(execution.context) { write in
                    for index in 0..<2000 {
                        var customer = Customer(
                            kind: .organisation, name: "Job farm \(index)", createdAt: Date(), updatedAt: Date())
                        try write.insert(&customer)
                        execution.progress(index / 20, "customer \(index)")
                        try execution.checkpoint()
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                }
                return JobOutcome(message: "all written")
            })
        let admin = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                let job = try await server.services.jobs.enqueue("test.customers", by: nil, context: .commandLine)
                let id = Int(job.id ?? 0)
                _ = try await waitForJob(client, id, auth: admin) { $0["state"] as? String == "running" }
                try await Task.sleep(for: .milliseconds(100))
                let cancel = try await client.send(.post, "/api/v1/jobs/\(id)/cancel", auth: admin)
                #expect(cancel.status == .ok, "\(cancel.text)")
                let done = try await waitForJob(client, id, auth: admin)
                #expect(done["state"] as? String == "cancelled")
                let again = try await client.send(.post, "/api/v1/jobs/\(id)/cancel", auth: admin)
                #expect(again.status == .conflict)
            }
        }
        let written = try await server.services.database.read { try Customer.fetchCount($0) }
        #expect(written == 0)
    }

    @Test func retryableFailuresAreRetriedAndPermanentOnesFailAndTellTheStarter() async throws {
        let server = try TestServer { $0.jobRetrySeconds = 0 }
        let attempts = Atomic<Int>(0)
        server.services.jobs.register(
            JobKind(type: "test.flaky", title: "Flaky", permission: "samples:read", maxAttempts: 3) { _ in
                if attempts.add(1, ordering: .relaxed).newValue == 1 {
                    throw JobFailure(message: "instrument busy", retryable: true)
                }
                return JobOutcome(message: "second time lucky")
            })
        server.services.jobs.register(
            JobKind(type: "test.broken", title: "Broken job", permission: "samples:read", maxAttempts: 3) { _ in
                throw JobFailure(message: "file is not a CSV")
            })
        let technician = try await server.user(.technician)
        let session = try await server.signIn(.technician)
        let principal = Principal(
            userID: technician.id, email: technician.email, displayName: "", role: .technician, credential: .accessToken
        )
        try await withJobRunner(server) {
            try await server.test { client in
                let key = try await server.apiKey(["admin"])
                let flaky = try await server.services.jobs.enqueue(
                    "test.flaky", by: principal.userID, context: .commandLine)
                let retried = try await waitForJob(client, Int(flaky.id ?? 0), auth: key)
                #expect(retried["state"] as? String == "succeeded")
                #expect(retried["attempts"] as? Int == 2)
                #expect((retried["log"] as? [String])?.contains { $0.contains("instrument busy") } == true)

                let broken = try await server.services.jobs.enqueue(
                    "test.broken", by: principal.userID, context: .commandLine)
                let failed = try await waitForJob(client, Int(broken.id ?? 0), auth: key)
                #expect(failed["state"] as? String == "failed")
                #expect(failed["attempts"] as? Int == 1)
                #expect(failed["error"] as? String == "file is not a CSV")

                let mine = try await client.send(.get, "/api/v1/notifications", session: session).json()
                let titles = (mine["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
                #expect(titles.contains("Broken job failed"))
                #expect(titles.contains("Flaky finished"))
                let unread = try await client.send(.get, "/api/v1/notifications/unread", session: session).json()
                #expect(unread["unread"] as? Int == 2)
            }
        }
    }

    @Test func runsCutShortAreRetriedOrMarkedInterruptedByTheirKind() async throws {
        let server = try TestServer()
        let (backup, export) = try await server.services.database.write { db in
            var rows: [Job] = []
            for type in ["backup", "samples.export"] {
                var job = Job(
                    type: type, parameters: "{}", state: .running, progress: 30, message: "busy", attempts: 1,
                    maxAttempts: type == "backup" ? 3 : 1, runAfter: Date(), cancelRequested: false, startedBy: "test",
                    createdAt: Date(), startedAt: Date())
                try job.insert(db)
                rows.append(job)
            }
            return (rows[0].id ?? 0, rows[1].id ?? 0)
        }
        _ = try await server.services.jobs.recoverInterrupted()
        let states = try await server.services.database.read { db in
            try Dictionary(uniqueKeysWithValues: Job.fetchAll(db).map { ($0.id ?? 0, $0.state) })
        }
        #expect(states[backup] == .queued)
        #expect(states[export] == .interrupted)
    }

    @Test func aRealServerPicksUpARunItsPredecessorLeftBehind() async throws {
        let directory = try TemporaryDirectory()
        do {
            let server = try TestServer(directory: directory)
            try await server.services.database.write { db in
                var job = Job(
                    type: "backup", parameters: "{}", state: .running, progress: 50, message: "copying",
                    attempts: 1, maxAttempts: 3, runAfter: Date(), cancelRequested: false, startedBy: "killed server",
                    createdAt: Date(), startedAt: Date())
                try job.insert(db)
            }
            try server.services.database.close()
        }
        let running = try RunningServer(directory: directory.path, arguments: ["--data", directory.path])
        defer { _ = running.terminate() }
        var state: Job.State?
        for _ in 0..<300 {
            state = try AppDatabase.inspect(path: directory.path + "/labbox.db") { try Job.fetchOne($0, key: 1)?.state }
            if state == .succeeded { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(state == .succeeded)
        let archives = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/backups")
        #expect(archives.contains(where: Backups.isArchiveName))
    }

    @Test func aSampleExportRunsAsAJobAndOnlyItsStarterMayFetchIt() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await withJobRunner(server) {
            try await server.test { client in
                for index in 0..<5 {
                    let body = TestServer.sampleBody("EXP-\(index)", species: index < 3 ? "bovine" : "equine")
                    #expect(try await client.send(.post, "/api/v1/samples", auth: key, json: body).status == .created)
                }
                let director = try await server.signIn(.director)
                let started = try await client.send(
                    .post, "/api/v1/samples/export-jobs?species=bovine", session: director)
                #expect(started.status == .accepted)
                let id = try #require(try started.json()["id"] as? Int)
                let admin = try await server.apiKey(["admin"])
                let done = try await waitForJob(client, id, auth: admin)
                #expect(done["state"] as? String == "succeeded")
                let url = try #require(done["result_url"] as? String)
                let csv = try await client.send(.get, url, session: director)
                #expect(csv.status == .ok)
                let lines = csv.text.split(separator: "\r\n")
                #expect(lines.count == 4)
                #expect(lines.dropFirst().allSatisfy { $0.contains("bovine") })

                let technician = try await server.signIn(.technician)
                #expect(try await client.send(.get, "/api/v1/jobs/\(id)", session: technician).status == .notFound)
                #expect(try await client.send(.get, url, session: technician).status == .notFound)
                let listed = try await client.send(.get, "/api/v1/jobs", session: technician).json()
                #expect((listed["items"] as? [Any])?.isEmpty == true)
                let page = try await client.send(.get, "/jobs/\(id)", session: director)
                #expect(page.text.contains("Download the result"))
            }
        }
    }

    @Test func aBackgroundImportWritesAllRowsOrNoneAndSaysWhy() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write", "samples:read"])
        let admin = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                func start(_ csv: String) async throws -> [String: Any] {
                    let response = try await client.execute(
                        uri: "/api/v1/samples/import/jobs", method: .post,
                        headers: [.authorization: key, .contentType: "text/csv"], body: ByteBuffer(string: csv))
                    #expect(response.status == .accepted, "\(response.text)")
                    return try await waitForJob(client, try #require(try response.json()["id"] as? Int), auth: admin)
                }
                let header = "external_id,species,kind,collected_at\r\n"
                let bad = try await start(header + "OK-1,bovine,dna,2026-01-02\r\nBAD-1,dragon,dna,2026-01-02\r\n")
                #expect(bad["state"] as? String == "failed")
                #expect((bad["error"] as? String)?.contains("1 of 2 rows have problems") == true)
                #expect((bad["log"] as? [String])?.contains { $0.hasPrefix("Row 3 (species)") } == true)
                #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 0)

                let rows = (1...2500).map { "IMP-\($0),bovine,dna,2026-01-02\r\n" }.joined()
                let good = try await start(header + rows)
                #expect(good["state"] as? String == "succeeded")
                #expect(good["message"] as? String == "2500 samples imported")
                #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 2500)
                let unreadable = try await client.execute(
                    uri: "/api/v1/samples/import/jobs", method: .post,
                    headers: [.authorization: key, .contentType: "text/csv"],
                    body: ByteBuffer(string: "nonsense,columns\r\n1,2\r\n"))
                #expect(unreadable.status == .unprocessableContent)
            }
        }
    }
}
