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

/// Comments with @mentions and the append-only journal, through the real HTTP stack.
@Suite(.serialized) struct CommentsAndNotesTests {
    static let scopes: Set<String> = [
        "comments:read", "comments:write", "notes:read", "notes:write", "animals:read", "animals:write",
        "tasks:read", "tasks:write",
    ]

    @Test func mentionsNotifyAndAMentionOfNoOneIsRefused() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        _ = try await server.user(.director, email: "technician@other.example")
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            let comment = try await client.postJSON(
                "/api/v1/comments", auth: key,
                [
                    "entity_type": "animal", "entity_id": animal,
                    "body": "@technician@lab.example please check her. (Mail bob@example.com.)",
                ])
            let notes = try await server.services.database.read { try Notification.fetchAll($0) }
            #expect(notes.map(\.userId) == [technician.id ?? 0] && notes.first?.kind == .mention)
            #expect(notes.first?.link == "/animals/\(animal)#comments")
            let mail = try await server.services.database.read { try EmailMessage.fetchAll($0) }
            #expect(mail.map(\.recipient) == [technician.email])

            for (body, message) in [
                ("@nobody look", "@nobody is not a user of this LabBox."),
                ("@technician look", "@technician names 2 people"),
                ("", "Write the comment."),
                (String(repeating: "x", count: 4001), "At most 4000 characters."),
            ] {
                let refused = try await client.send(
                    .post, "/api/v1/comments", auth: key,
                    json: ["entity_type": "animal", "entity_id": animal, "body": body])
                #expect(refused.status == .unprocessableContent, "\(refused.text)")
                let error = try refused.apiError()
                #expect(error["field"] as? String == "body")
                #expect((error["message"] as? String)?.hasPrefix(message) == true, "\(error)")
            }
            let unknown = try await client.send(
                .post, "/api/v1/comments", auth: key, json: ["entity_type": "animal", "entity_id": 999, "body": "hi"])
            #expect(try unknown.apiError()["field"] as? String == "entity_id")
            let list = try await client.send(.get, "/api/v1/comments?entity_type=animal&entity_id=\(animal)", auth: key)
            #expect((try list.json()["items"] as? [[String: Any]])?.count == 1)
            #expect(try await server.services.database.read { try Notification.fetchCount($0) } == 1)

            // Comments on a task, like on any record.
            let task = try await client.postJSON("/api/v1/tasks", auth: key, ["title": "Scan"])
            _ = try await client.postJSON(
                "/api/v1/comments", auth: key, ["entity_type": "task", "entity_id": task["id"] ?? 0, "body": "Done?"])
        }
        // Append-only: the table itself refuses a change.
        await #expect(throws: DatabaseError.self) {
            try await server.services.database.write { try $0.execute(sql: "UPDATE comments SET body = 'x'") }
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func aRecordNotTheCallersToReadTakesNoComment() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        let commentsOnly = try await server.apiKey(["comments:read", "comments:write"])
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            let added = try await client.postJSON(
                "/api/v1/comments", auth: key, ["entity_type": "animal", "entity_id": animal, "body": "ok"])
            let refused = try await client.send(
                .post, "/api/v1/comments", auth: commentsOnly,
                json: ["entity_type": "animal", "entity_id": animal, "body": "hi"])
            #expect(refused.status == .forbidden)
            let one = try await client.send(.get, "/api/v1/comments/\(added["id"] ?? 0)", auth: commentsOnly)
            #expect(one.status == .forbidden)
            let list = try await client.send(.get, "/api/v1/comments", auth: commentsOnly)
            #expect((try list.json()["items"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func theJournalIsAppendedToAndCorrectedNeverOverwritten() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        let today = server.services.config.labTime.isoDay(Date())
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            let other = try await client.newAnimal(auth: key, name: "Daisy")
            let first = try await client.postJSON(
                "/api/v1/notes", auth: key,
                ["entity_type": "animal", "entity_id": animal, "observed_on": "2026-01-10", "body": "Lame left hind."])
            let firstID = try #require(first["id"] as? Int)
            let correction = try await client.postJSON(
                "/api/v1/notes", auth: key,
                [
                    "entity_type": "animal", "entity_id": animal, "observed_on": "2026-01-10",
                    "body": "Right hind, not left.", "corrects_id": firstID,
                ])
            #expect(correction["corrects_id"] as? Int == firstID)
            let plain = try await client.postJSON(
                "/api/v1/notes", auth: key, ["entity_type": "animal", "entity_id": animal, "body": "Sound again."])
            #expect(plain["observed_on"] as? String == today)

            let tomorrow = Day.adding(1, to: today) ?? today
            for (body, field) in [
                (["observed_on": tomorrow, "body": "x"], "observed_on"),
                (["body": "x", "corrects_id": 999], "corrects_id"),
                (["body": String(repeating: "x", count: 10_001)], "body"),
            ] as [([String: Any], String)] {
                var json = body
                json["entity_type"] = "animal"
                json["entity_id"] = animal
                let refused = try await client.send(.post, "/api/v1/notes", auth: key, json: json)
                #expect(refused.status == .unprocessableContent, "\(refused.text)")
                #expect(try refused.apiError()["field"] as? String == field)
            }
            // A correction belongs to the same record's journal.
            let elsewhere = try await client.send(
                .post, "/api/v1/notes", auth: key,
                json: ["entity_type": "animal", "entity_id": other, "body": "x", "corrects_id": firstID])
            #expect(try elsewhere.apiError()["field"] as? String == "corrects_id")
            // Notes need the record's write permission too.
            let reader = try await server.apiKey(["notes:read", "notes:write", "animals:read"])
            let readOnly = try await client.send(
                .post, "/api/v1/notes", auth: reader, json: ["entity_type": "animal", "entity_id": animal, "body": "x"])
            #expect(readOnly.status == .forbidden)

            let list = try await client.send(.get, "/api/v1/notes?entity_type=animal&entity_id=\(animal)", auth: key)
            let days = (try list.json()["items"] as? [[String: Any]])?.map { $0["observed_on"] as? String }
            #expect(days == [today, "2026-01-10", "2026-01-10"])
        }
        await #expect(throws: DatabaseError.self) {
            try await server.services.database.write { try $0.execute(sql: "DELETE FROM journal_notes") }
        }
        #expect(
            try await server.auditEvents().filter { $0.entityType == "journal_note" }.map(\.action)
                == ["create", "create", "create"])
    }

    @Test func theRecordPageShowsCommentsAndJournalAndTakesThem() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Bella")
            let comment = try await client.sendForm(
                "/comments", session: session,
                ["entity_type": "animal", "entity_id": String(animal), "body": "Needs a <b>scan</b>."])
            #expect(comment.status == .seeOther)
            #expect(comment.headers[.location] == "/animals/\(animal)#comments")
            let note = try await client.sendForm(
                "/notes", session: session,
                [
                    "entity_type": "animal", "entity_id": String(animal), "observed_on": "",
                    "body": "Bright and alert.",
                    "corrects_id": "",
                ])
            #expect(note.status == .seeOther)
            let page = try await client.send(.get, "/animals/\(animal)", session: session).text
            #expect(page.contains("Comments (1)") && page.contains("Needs a &lt;b&gt;scan&lt;/b&gt;."))
            #expect(page.contains("Journal (1)") && page.contains("Bright and alert."))
            // A mention of no one comes back as the page's message, and adds nothing.
            let refused = try await client.sendForm(
                "/comments", session: session,
                ["entity_type": "animal", "entity_id": String(animal), "body": "@nobody"])
            #expect(refused.status == .seeOther)
            #expect(try await server.services.database.read { try Comment.fetchCount($0) } == 1)
        }
    }
}
