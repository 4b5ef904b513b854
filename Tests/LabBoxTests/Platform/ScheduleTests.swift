import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct ScheduleTests {
    @Test func aRunMissedWhileTheServerWasOffRunsOnceAtStart() async throws {
        let server = try TestServer()
        let scheduler = server.services.scheduler
        try await scheduler.prepare(now: Date())
        let noJobsYet = try await server.services.database.read { try Job.fetchCount($0) }
        #expect(noJobsYet == 0)
        // The box was off for three days: the nightly schedules' times all passed.
        try await server.services.database.write { db in
            try db.execute(
                sql: "UPDATE schedules SET next_run_at = ?", arguments: [Date().addingTimeInterval(-3 * 86_400)])
        }
        try await scheduler.prepare(now: Date())
        let jobs = try await server.services.database.read { try Job.order(Column("id")).fetchAll($0) }
        #expect(
            Set(jobs.map(\.schedule)) == [
                "nightly_backup", "retention", "ln2_reminders", "pregnancy_reminders", "task_reminders",
                "billing_capture", "billing_dunning", "billing_storage", "reports_send", "privacy_retention",
            ])
        #expect(jobs.count == 10)
        try await scheduler.prepare(now: Date())
        #expect(try await server.services.database.read { try Job.fetchCount($0) } == 10)
        let schedules = try await scheduler.list()
        #expect(schedules.allSatisfy { ($0.nextRunAt ?? .distantPast) > Date() })
        #expect(schedules.allSatisfy { $0.lastJobId != nil })
    }

    @Test func aRealServerCatchesUpOnTheNightItMissed() async throws {
        let directory = try TemporaryDirectory()
        do {
            let server = try TestServer(directory: directory)
            try await server.services.scheduler.prepare(now: Date())
            try await server.services.database.write { db in
                try db.execute(
                    sql: "UPDATE schedules SET next_run_at = ? WHERE name = 'retention'",
                    arguments: [Date().addingTimeInterval(-86_400)])
            }
            try server.services.database.close()
        }
        let running = try RunningServer(directory: directory.path, arguments: ["--data", directory.path])
        defer { _ = running.terminate() }
        var states: [Job.State] = []
        _ = try await poll { () throws -> Bool? in
            states = try AppDatabase.inspect(path: directory.path + "/labbox.db") { db in
                try Job.filter(Column("schedule") == "retention").fetchAll(db).map(\.state)
            }
            return states == [.succeeded] ? true : nil
        }
        #expect(states == [.succeeded])
    }
}

extension ScheduleTests {
    /// The wall clock set an hour back (after a run) or an hour ahead: no schedule runs twice for
    /// one time, and the missed hour is one run, not one per missed time (scripts/test-faults
    /// drills this on a running server with libfaketime).
    @Test func theClockJumpingAnHourBackOrAheadRunsNothingTwice() async throws {
        let server = try TestServer()
        let scheduler = server.services.scheduler
        let start = Date()
        try await scheduler.prepare(now: start)
        func runs() async throws -> Int {
            try await server.services.database.read {
                try Job.filter(Column("schedule") == "retention").fetchCount($0)
            }
        }
        let due = try #require(try await scheduler.list().first { $0.name == "retention" }?.nextRunAt)
        try await scheduler.runDue(now: due)
        #expect(try await runs() == 1)
        try await scheduler.runDue(now: due.addingTimeInterval(-3600))
        try await scheduler.runDue(now: due.addingTimeInterval(-3600 + 120))
        #expect(try await runs() == 1)
        try await scheduler.runDue(now: due.addingTimeInterval(3600))
        #expect(try await runs() == 1)
        // A day and an hour later: one run for the missed day.
        try await scheduler.runDue(now: due.addingTimeInterval(86_400 + 3600))
        try await scheduler.runDue(now: due.addingTimeInterval(86_400 + 3600 + 30))
        #expect(try await runs() == 2)
    }
}
