import Foundation
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import Testing

/// The schedules page and API: admins change, pause and run schedules.
@Suite struct ScheduleAdministrationTests {
    @Test func adminsChangePauseAndRunSchedulesAndEveryRunIsAJob() async throws {
        let server = try TestServer()
        try await server.services.scheduler.prepare(now: Date())
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            let bad = try await client.send(
                .patch, "/api/v1/schedules/retention", session: admin, json: ["cron": "61 * * * *"])
            #expect(bad.status == .unprocessableContent)
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
            // Others may fall due meanwhile (billing_capture runs every quarter of an hour).
            #expect(try await server.services.scheduler.runDue(now: Date()).allSatisfy { $0.schedule != "retention" })
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
}
