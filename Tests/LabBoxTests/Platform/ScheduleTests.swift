import Biobank
import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct ScheduleTests {
    private var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }

    private func date(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }

    @Test(arguments: [
        ("30 2 * * *", "2026-11-25T10:00:00Z", "2026-11-26T02:30:00Z"),
        ("30 2 * * *", "2026-11-25T01:00:00Z", "2026-11-25T02:30:00Z"),
        ("*/15 * * * *", "2026-11-25T10:07:30Z", "2026-11-25T10:15:00Z"),
        ("0 9-17/4 * * 1-5", "2026-11-27T18:00:00Z", "2026-11-30T09:00:00Z"),
        ("0 0 1 * *", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("0 12 13 * 5", "2026-11-25T00:00:00Z", "2026-11-27T12:00:00Z"),
        ("@weekly", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
    ])
    func nextRunsAreTheOnesAHandReadingGives(cron: String, after: String, expected: String) throws {
        let next = try CronExpression(cron).next(after: try date(after), calendar: utc)
        #expect(next == (try date(expected)), "\(cron) after \(after)")
    }

    @Test(arguments: ["* * * *", "60 * * * *", "0 24 * * *", "*/0 * * * *", "5-1 * * * *", "x * * * *"])
    func badExpressionsAreRefusedWithTheFieldNamed(cron: String) {
        #expect(throws: CronExpression.Invalid.self) { try CronExpression(cron) }
    }

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
        #expect(Set(jobs.map(\.schedule)) == ["nightly_backup", "retention", "ln2_reminders", "pregnancy_reminders"])
        #expect(jobs.count == 4)
        try await scheduler.prepare(now: Date())
        #expect(try await server.services.database.read { try Job.fetchCount($0) } == 4)
        let schedules = try await scheduler.list()
        #expect(schedules.allSatisfy { ($0.nextRunAt ?? .distantPast) > Date() })
        #expect(schedules.allSatisfy { $0.lastJobId != nil })
    }

    @Test func adminsChangePauseAndRunSchedulesAndEveryRunIsAJob() async throws {
        let server = try TestServer()
        try await server.services.scheduler.prepare(now: Date())
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            let bad = try await client.send(
                .patch, "/api/v1/schedules/retention", session: admin, json: ["cron": "61 * * * *"])
            #expect(bad.status == .badRequest)
            #expect(try bad.apiError()["field"] as? String == "cron")
            let paused = try await client.send(
                .patch, "/api/v1/schedules/retention", session: admin, json: ["cron": "0 4 * * 0", "enabled": false])
            #expect(paused.status == .ok)
            let items = try #require(try paused.json()["items"] as? [[String: Any]])
            let retention = try #require(items.first { $0["name"] as? String == "retention" })
            #expect(retention["cron"] as? String == "0 4 * * 0")
            #expect(retention["enabled"] as? Bool == false)
            // A paused schedule does not run even when due.
            try await server.services.database.write { db in
                try db.execute(
                    sql: "UPDATE schedules SET next_run_at = ? WHERE name = 'retention'",
                    arguments: [Date(timeIntervalSince1970: 0)])
            }
            #expect(try await server.services.scheduler.runDue(now: Date()).isEmpty)
            let run = try await client.send(.post, "/api/v1/schedules/ln2_reminders/run", session: admin)
            #expect(run.status == .accepted)
            #expect(try run.json()["type"] as? String == "storage.ln2_reminders")
            let page = try await client.send(.get, "/admin/schedules", session: admin)
            #expect(page.text.contains("LN2 fill reminders"))
            #expect(page.text.contains("0 4 * * 0"))
            let technician = try await server.signIn(.technician)
            #expect(try await client.send(.get, "/api/v1/schedules", session: technician).status == .forbidden)
        }
        #expect(try await server.auditEvents().contains { $0.entityType == "schedule" && $0.action == "update" })
    }

    @Test func overdueTanksRemindLabStaffOnceADay() async throws {
        let server = try TestServer { $0.ln2FillDays = 7 }
        let technician = try await server.user(.technician)
        _ = try await server.user(.auditor)
        let tankID = try await server.services.database.write { db -> Int64 in
            var tank = StorageContainer(
                parentId: nil, kind: .tank, name: "Tank 3", rows: 0, columns: 0, notes: "",
                createdAt: Date().addingTimeInterval(-30 * 86_400), updatedAt: Date())
            try tank.insert(db)
            var fill = TankFill(
                containerId: tank.id ?? 0, filledAt: Date().addingTimeInterval(-9 * 86_400), levelAfterCm: 40,
                byName: "tech", notes: "")
            try fill.insert(db)
            return tank.id ?? 0
        }
        let kind = try #require(server.services.jobs.kind("storage.ln2_reminders"))
        for _ in 0..<2 {
            let job = try await server.services.jobs.enqueue(kind.type, by: nil, context: .server)
            _ = try await kind.run(
                JobExecution(job: job, database: server.services.database, dataDirectory: server.directory.path))
        }
        let notes = try await server.services.database.read { try Notification.fetchAll($0) }
        #expect(notes.count == 1)
        #expect(notes.first?.userId == technician.id)
        #expect(notes.first?.link == "/storage/\(tankID)")
        #expect(notes.first?.title == "LN2 fill overdue: Tank 3")
        let mail = try await server.services.database.read { try EmailMessage.fetchAll($0) }
        #expect(mail.map(\.recipient) == [technician.email])
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
        for _ in 0..<200 {
            states = try AppDatabase.inspect(path: directory.path + "/labbox.db") { db in
                try Job.filter(Column("schedule") == "retention").fetchAll(db).map(\.state)
            }
            if states == [.succeeded] { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(states == [.succeeded])
    }
}
