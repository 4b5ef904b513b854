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
        _ = try await poll { () throws -> Bool? in
            state = try AppDatabase.inspect(path: directory.path + "/labbox.db") { try Job.fetchOne($0, key: 1)?.state }
            return state == .succeeded ? true : nil
        }
        #expect(state == .succeeded)
        let archives = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/backups")
        #expect(archives.contains(where: Backups.isArchiveName))
    }
}

extension JobTests {
    /// The wall clock set back an hour while a job ran: its end is not recorded before its start,
    /// which would show as a negative duration.
    @Test func aRunNeverEndsBeforeItBeganWhenTheClockGoesBack() async throws {
        let server = try TestServer()
        let database = server.services.database
        server.services.jobs.register(
            JobKind(type: "test.clock", title: "Clock", permission: "admin") { execution in
                // The start as the clock read it an hour before the clock was set back.
                let id = execution.id
                try await database.write { db in
                    try db.execute(
                        sql: "UPDATE jobs SET started_at = ? WHERE id = ?",
                        arguments: [Date().addingTimeInterval(3600), id])
                }
                return JobOutcome(message: "done", summary: [:])
            })
        let admin = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                let job = try await server.services.jobs.enqueue("test.clock", by: nil, context: .commandLine)
                let done = try await waitForJob(client, Int(job.id ?? 0), auth: admin)
                #expect(done["state"] as? String == "succeeded")
            }
        }
        let job = try #require(try await database.read { try Job.filter(Column("type") == "test.clock").fetchOne($0) })
        let (started, finished) = (try #require(job.startedAt), try #require(job.finishedAt))
        #expect(finished >= started)
    }
}

extension JobTests {
    /// A job queued just before the wall clock was set back an hour runs now, not an hour later.
    @Test func aQueuedJobRunsAtOnceThoughTheClockWentBackAfterItWasQueued() async throws {
        let server = try TestServer()
        server.services.jobs.register(
            JobKind(type: "test.quick", title: "Quick", permission: "admin") { _ in
                JobOutcome(message: "done", summary: [:])
            })
        let admin = try await server.apiKey(["admin"])
        let job = try await server.services.jobs.enqueue("test.quick", by: nil, context: .commandLine)
        try await server.services.database.write { db in
            try db.execute(
                sql: "UPDATE jobs SET run_after = ? WHERE id = ?", arguments: [Date().addingTimeInterval(3600), job.id])
        }
        try await withJobRunner(server) {
            try await server.test { client in
                let done = try await waitForJob(client, Int(job.id ?? 0), auth: admin)
                #expect(done["state"] as? String == "succeeded")
            }
        }
    }
}
