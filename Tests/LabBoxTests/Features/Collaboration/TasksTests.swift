import Collaboration
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Tasks through the real HTTP stack: created, changed and listed through the API, each write
/// audited with its before and after, the assignee notified in the app and by email, unknown links
/// refused, due days reminded once each, and the task on my list, the board and its record's page.
@Suite(.serialized) struct TasksTests {
    static let scopes: Set<String> = ["tasks:read", "tasks:write", "animals:read", "animals:write"]

    static func count(_ server: TestServer, _ table: String) async throws -> Int {
        try await server.services.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    @Test func aTaskIsAuditedListedAndItsAssigneeNotified() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            let created = try await client.postJSON(
                "/api/v1/tasks", auth: key,
                [
                    "title": "Repeat the P4 test", "assignee_id": technician.id ?? 0, "due_on": "2031-05-02",
                    "priority": "high", "entity_type": "animal", "entity_id": animal,
                ])
            let id = try #require(created["id"] as? Int)
            #expect(created["status"] as? String == "open" && created["due_on"] as? String == "2031-05-02")
            #expect(created["entity_type"] as? String == "animal" && created["entity_id"] as? Int == Int(animal))

            let notes = try await server.services.database.read { try Notification.fetchAll($0) }
            #expect(notes.map(\.userId) == [technician.id ?? 0] && notes.first?.kind == .task)
            #expect(notes.first?.link == "/tasks/\(id)")
            #expect(notes.first?.title == "Task assigned to you: Repeat the P4 test")
            let mail = try await server.services.database.read { try EmailMessage.fetchAll($0) }
            #expect(mail.map(\.recipient) == [technician.email])

            let changed = try await client.send(
                .patch, "/api/v1/tasks/\(id)", auth: key, json: ["status": "in_progress", "reason": "started"])
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(try changed.json()["status"] as? String == "in_progress")
            let events = try await server.auditEvents().filter { $0.entityType == "task" }
            #expect(events.map(\.action) == ["create", "update"])
            #expect(events.last?.before?.contains("\"status\":\"open\"") == true)
            #expect(events.last?.after?.contains("\"status\":\"in_progress\"") == true)
            // Reassigning to the same person tells nobody again.
            _ = try await client.send(.patch, "/api/v1/tasks/\(id)", auth: key, json: ["title": "Repeat P4"])
            #expect(try await Self.count(server, "notifications") == 1)

            _ = try await client.postJSON("/api/v1/tasks", auth: key, ["title": "Unassigned", "due_on": "2031-05-01"])
            let mine = try await client.send(
                .get, "/api/v1/tasks?assignee_id=\(technician.id ?? 0)&status=open,in_progress", auth: key)
            #expect((try mine.json()["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            let unassigned = try await client.send(.get, "/api/v1/tasks?assignee_id=none", auth: key)
            #expect((try unassigned.json()["items"] as? [[String: Any]])?.count == 1)
            let first = try await client.send(.get, "/api/v1/tasks?sort=due_on&limit=1", auth: key).json()
            #expect((first["items"] as? [[String: Any]])?.first?["title"] as? String == "Unassigned")
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.send(.get, "/api/v1/tasks?sort=due_on&limit=1&cursor=\(cursor)", auth: key)
            #expect((try second.json()["items"] as? [[String: Any]])?.first?["id"] as? Int == id)
            let badStatus = try await client.send(.get, "/api/v1/tasks?status=waiting", auth: key)
            #expect(badStatus.status == .unprocessableContent)
            #expect(try badStatus.apiError()["field"] as? String == "status")
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func badLinksAndValuesAreRefusedNamingTheFieldAndChangeNothing() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            let cases: [([String: Any], String)] = [
                (["title": "x", "entity_type": "animal", "entity_id": 999_999], "entity_id"),
                (["title": "x", "entity_type": "planet", "entity_id": animal], "entity_type"),
                (["title": "x", "entity_type": "animal"], "entity_id"),
                (["title": "x", "assignee_id": 999_999], "assignee_id"),
                (["title": "x", "due_on": "2031-02-30"], "due_on"),
                (["title": "x", "priority": "asap"], "priority"),
                (["title": "x", "status": "waiting"], "status"),
                (["title": "   "], "title"),
                (["title": String(repeating: "x", count: 201)], "title"),
                (["title": "x", "description": String(repeating: "x", count: 10_001)], "description"),
            ]
            for (body, field) in cases {
                let response = try await client.send(.post, "/api/v1/tasks", auth: key, json: body)
                #expect(response.status == .unprocessableContent, "\(field): \(response.text)")
                #expect(try response.apiError()["field"] as? String == field, "\(response.text)")
            }
            // A record the key may not read is not the key's to link, even by a task.
            let tasksOnly = try await server.apiKey(["tasks:read", "tasks:write"])
            let forbidden = try await client.send(
                .post, "/api/v1/tasks", auth: tasksOnly,
                json: ["title": "x", "entity_type": "animal", "entity_id": animal])
            #expect(forbidden.status == .forbidden)
            #expect(try await Self.count(server, "tasks") == 0)
            #expect(try await server.auditEvents().filter { $0.entityType == "task" }.isEmpty)
        }
    }

    @Test func dueSoonAndOverdueTasksAreRemindedOnceEach() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        let key = try await server.apiKey(Self.scopes)
        let today = server.services.config.labTime.isoDay(Date())
        let day = { (offset: Int) in Day.adding(offset, to: today) ?? today }
        let planned = [
            ("Overdue", day(-2), "open"), ("Today", day(0), "in_progress"), ("Tomorrow", day(1), "open"),
            ("Later", day(5), "open"), ("Finished", day(-1), "done"),
        ]
        try await server.test { client in
            for (title, due, status) in planned {
                _ = try await client.postJSON(
                    "/api/v1/tasks", auth: key,
                    ["title": title, "assignee_id": technician.id ?? 0, "due_on": due, "status": status])
            }
        }
        try await server.services.database.write { try $0.execute(sql: "DELETE FROM notifications") }
        let kind = try #require(server.services.jobs.kind("tasks.reminders"))
        for _ in 0..<2 {
            let job = try await server.services.jobs.enqueue(kind.type, by: nil, context: .server)
            _ = try await kind.run(
                JobExecution(job: job, database: server.services.database, dataDirectory: server.directory.path))
        }
        let titles = try await server.services.database.read {
            try Notification.order(Column("id")).fetchAll($0).map(\.title)
        }
        #expect(titles == ["Task overdue: Overdue", "Task due soon: Today", "Task due soon: Tomorrow"])
        // Once past its day, a task reminded as due soon is reminded again, as overdue.
        let later = day(2)
        let next = try await server.services.database.write { try TaskReminders.remind($0, today: later) }
        #expect(next == ["Today", "Tomorrow"])
    }

    @Test func myTasksTheBoardTheRecordAndHomeShowTheTask() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        let session = try await server.signIn(.technician)
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            // The record's panel leads to a form about it, which posts like any form.
            let record = try await client.send(.get, "/animals/\(animal)", session: session)
            #expect(record.text.contains("Tasks (0)"))
            #expect(record.text.contains("/tasks/new?entity_type=animal&amp;entity_id=\(animal)"))
            let form = try await client.send(
                .get, "/tasks/new?entity_type=animal&entity_id=\(animal)", session: session)
            #expect(form.text.contains("value=\"\(animal)\""))
            let posted = try await client.sendForm(
                "/tasks", session: session,
                [
                    "title": "Scan Bella", "assignee_id": String(technician.id ?? 0), "due_on": "",
                    "priority": "urgent",
                    "status": "open", "entity_type": "animal", "entity_id": String(animal), "description": "",
                ])
            #expect(posted.status == .seeOther, "\(posted.text)")
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/tasks/"))
            let page = try await client.send(.get, location, session: session)
            #expect(page.text.contains("Scan Bella") && page.text.contains("href=\"/animals/\(animal)\""))

            let mine = try await client.send(.get, "/tasks", session: session)
            #expect(mine.status == .ok && mine.text.contains("Scan Bella"))
            let board = try await client.send(.get, "/tasks/board", session: session)
            #expect(board.text.contains("Open (1)") && board.text.contains("Scan Bella"))
            #expect(try await client.send(.get, "/animals/\(animal)", session: session).text.contains("Tasks (1)"))
            let home = try await client.send(.get, "/", session: session)
            #expect(home.text.contains("Your tasks") && home.text.contains("Scan Bella"))

            let bad = try await client.sendForm(
                "/tasks", session: session, ["title": "x", "entity_type": "animal", "entity_id": "999999"])
            #expect(bad.status == .unprocessableContent && bad.text.contains("There is no animal with id 999999."))
        }
    }
}
