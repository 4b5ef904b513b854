import Administration
import Biobank
import Crypto
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

@Suite struct AuditTests {
    /// A server with `count` samples created through the API, and the key used.
    private func serverWithSamples(_ count: Int) async throws -> (TestServer, String) {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            for index in 0..<count {
                let response = try await client.send(
                    .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("A-\(index)"))
                #expect(response.status == .created)
            }
        }
        return (server, key)
    }

    @Test func eventsCarryWhoWhenWhatAndChainTogether() async throws {
        let (server, _) = try await serverWithSamples(3)
        let events = try await server.auditEvents()
        let created = events.filter { $0.action == "create" && $0.entityType == "sample" }
        #expect(created.count == 3)
        let event = try #require(created.first)
        #expect(event.actorType == .apiKey)
        #expect(event.actorId != nil)
        #expect(event.requestId.count == 32)
        #expect(event.at.hasSuffix("Z") && event.at.contains("."))
        #expect(AuditValue.decode(event.after)["external_id"] == .text("A-0"))
        #expect(event.before == nil)
        // A create writes its snapshot before the row has an id; it must still be the stored
        // row's canonical snapshot, or the next change's history would show phantom differences.
        let stored = try await server.services.database.pool.read { db in
            try created.map { try Sample.fetchOne(db, key: Int64($0.entityId))?.auditSnapshot }
        }
        #expect(stored == created.map(\.after))
        for (previous, next) in zip(events, events.dropFirst()) {
            #expect(next.prevHash == previous.hash)
            #expect(next.seq == previous.seq + 1)
        }
        let verification = try await server.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.count == events.count)
        #expect(verification.headHash == events.last?.hash)
    }

    @Test func triggersRefuseUpdateAndDelete() async throws {
        let (server, _) = try await serverWithSamples(1)
        for sql in ["UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"] {
            #expect(throws: DatabaseError.self) { try server.services.database.pool.write { try $0.execute(sql: sql) } }
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    /// Bypasses the triggers the way an attacker with file access would, and sees verify catch it.
    @Test(arguments: ["alter", "delete middle", "delete tail", "reorder hash"])
    func verifyFindsTampering(_ tampering: String) async throws {
        let (server, _) = try await serverWithSamples(5)
        let events = try await server.auditEvents()
        let middle = events[events.count / 2].seq
        try await server.services.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_append_only_update")
            try db.execute(sql: "DROP TRIGGER audit_events_append_only_delete")
            switch tampering {
            case "alter":
                try db.execute(
                    sql: "UPDATE audit_events SET after = replace(after, 'A-', 'B-') WHERE seq = ?", arguments: [middle]
                )
            case "delete middle":
                try db.execute(sql: "DELETE FROM audit_events WHERE seq = ?", arguments: [middle])
            case "delete tail":
                try db.execute(sql: "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
            default:
                // A forger who rewrites one event and recomputes its own hash still breaks the next link.
                var event = try #require(try AuditEvent.fetchOne(db, key: middle))
                event.reason = "forged"
                event.hash = event.computedHash
                try event.update(db)
            }
        }
        let verification = try await server.verifyAudit()
        let broken = try #require(verification.broken)
        #expect(!verification.isIntact)
        switch tampering {
        case "alter": #expect(broken.seq == middle)
        case "delete middle": #expect(broken.seq == middle)
        case "delete tail": #expect(broken.seq == events.last?.seq)
        default: #expect(broken.seq == middle + 1)
        }

        // The command line says so too, and exits non-zero.
        try server.services.database.close()
        let result = try LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(result.status == 5)
        #expect(result.stdout.hasPrefix("BROKEN at event \(broken.seq)"))
        let check = try LabBoxProcess.run(["check", "--data", server.directory.path])
        #expect(check.status == 5)
        #expect(check.stdout.contains("FAIL  audit_chain"))
    }

    @Test func verifyCommandPrintsCountAndHead() async throws {
        let (server, _) = try await serverWithSamples(2)
        let head = try await server.verifyAudit()
        try server.services.database.close()
        let result = try LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(result.status == 0)
        #expect(result.stdout == "OK \(head.count) events, head \(head.headHash)\n")
    }

    @Test func archiveSealsOldEventsAndTheChainStillVerifies() async throws {
        let (server, key) = try await serverWithSamples(4)
        let before = try await server.auditEvents()
        try server.services.database.close()
        let tomorrow = Date().addingTimeInterval(86_400).formatted(Date.ISO8601FormatStyle().year().month().day())
        let file = server.directory.path + "/backups/archive.jsonl"
        let archived = try LabBoxProcess.run(
            ["audit", "archive", "--data", server.directory.path, "--before", tomorrow, "--to", file])
        #expect(archived.status == 0, "\(archived.stderr)")
        #expect(archived.stdout.contains("archived \(before.count) events"))

        let verify = try LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("(events up to \(before.last?.seq ?? 0) archived)"))
        let file1 = try LabBoxProcess.run(["audit", "verify", "--archive", file])
        #expect(file1.status == 0)
        #expect(file1.stdout.contains("\(before.count) events"))

        // New writes continue the chain from the anchor.
        let reopened = try TestServer.reopen(server)
        try await reopened.test { client in
            let response = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            #expect(response.status == .created)
        }
        let after = try await reopened.verifyAudit()
        #expect(after.isIntact)
        #expect(after.count == 2)  // the archive event and the new sample
        let anchor = try await reopened.services.database.read {
            try String.fetchOne($0, sql: "SELECT file_sha256 FROM audit_anchors")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(anchor == SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())

        // An edited archive file no longer verifies.
        try String(decoding: data, as: UTF8.self).replacingOccurrences(of: "A-1", with: "A-9")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let tampered = try LabBoxProcess.run(["audit", "verify", "--archive", file])
        #expect(tampered.status == 5)
    }

    @Test func searchPagesByCursorAndExportsReverify() async throws {
        let (server, _) = try await serverWithSamples(7)
        let auditor = try await server.apiKey(["audit:read"])
        try await server.test { client in
            var seqs: [Int] = []
            var cursor: String?
            repeat {
                let page = try await client.send(
                    .get, "/api/v1/audit?entity_type=sample&limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""),
                    auth: auditor)
                #expect(page.status == .ok)
                let json = try page.json()
                seqs += try #require(json["items"] as? [[String: Any]]).compactMap { $0["seq"] as? Int }
                cursor = json["next_cursor"] as? String
            } while cursor != nil
            #expect(seqs.count == 7)
            #expect(seqs == seqs.sorted(by: >))

            let filtered = try await client.send(.get, "/api/v1/audit?action=security.*", auth: auditor)
            let actions = try #require(try filtered.json()["items"] as? [[String: Any]]).compactMap {
                $0["action"] as? String
            }
            #expect(!actions.isEmpty && actions.allSatisfy { $0.hasPrefix("security.") })
            let bad = try await client.send(.get, "/api/v1/audit?from=someday", auth: auditor)
            #expect(try bad.apiError()["field"] as? String == "from")

            // The JSON export of the whole trail recomputes, link by link, to the verified head.
            let export = try await client.send(.get, "/api/v1/audit/export?format=json", auth: auditor)
            #expect(export.status == .ok)
            let events = try JSONDecoder().decode(Export.self, from: Data(export.text.utf8)).events
            var previous = AuditEvent.genesisHash
            for event in events {
                #expect(event.prevHash == previous)
                #expect(event.computedHash == event.hash)
                previous = event.hash
            }
            #expect(previous == (try await server.verifyAudit()).headHash)

            let csv = try await client.send(.get, "/api/v1/audit/export?format=csv&entity_type=sample", auth: auditor)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == Substring(AuditExport.fields.joined(separator: ",")))
            #expect(lines.count == 8)

            let verify = try await client.send(.get, "/api/v1/audit/verify", auth: auditor)
            #expect(try verify.json()["intact"] as? Bool == true)
        }
    }

    private struct Export: Decodable { let events: [AuditEvent] }

    @Test func userHistoryShowsChangesAndNoSecrets() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.admin)
        let technician = try await server.user(.technician)
        let id = try #require(technician.id)
        try await server.test { client in
            let changed = try await client.send(
                .patch, "/api/v1/users/\(id)", session: session, json: ["role": "director"])
            #expect(changed.status == .ok)
            let page = try await client.execute(uri: "/admin/users/\(id)", method: .get, headers: session.headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("admin@lab.example"))
            #expect(
                page.text.contains(
                    #"<span class="change-field">role</span> <del>technician</del> → <ins>director</ins>"#))
            #expect(!page.text.contains("password_hash") && !page.text.contains("$2"))
        }
        let snapshots = try await server.auditEvents().compactMap(\.after).joined()
        #expect(!snapshots.contains("password_hash") && !snapshots.contains(technician.passwordHash))
    }

    @Test func aSampleFormWithoutAReasonIsShownAgainWithTheMessage() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        let key = try await server.apiKey(["samples:write"])
        try await server.test { client in
            let created = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            let id = try #require(try created.json()["id"] as? Int)
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let form = try await client.execute(
                uri: "/samples/\(id)", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(session.csrf)&status=stored&notes=&reason="))
            #expect(form.status == .badRequest)
            #expect(form.text.contains("Give a reason for this change."))
            let sample = try await server.services.database.read { try Sample.fetchOne($0, key: Int64(id)) }
            #expect(sample?.status == .received)
        }
    }

    @Test func onlyAdminsAndAuditorsReadTheTrail() async throws {
        let server = try TestServer()
        try await server.test { client in
            for (role, allowed) in [(Role.admin, true), (.auditor, true), (.director, false), (.technician, false)] {
                let session = try await server.signIn(role)
                let page = try await client.execute(uri: "/admin/audit", method: .get, headers: session.headers)
                #expect(page.status == (allowed ? .ok : .forbidden), "\(role)")
            }
        }
    }

    /// Every API route that writes leaves its audit event in the same transaction.
    @Test func everyWritingAPIRouteIsAudited() async throws {
        let server = try TestServer()
        let admin = try await server.user(.admin)
        let adminKey = try await server.apiKey(["admin"])
        let session = try await server.signIn(.admin)
        try await server.test { client in
            var checked: Set<String> = []
            func expectAudited(
                _ route: String, action: String, _ request: () async throws -> TestResponse
            ) async throws -> TestResponse {
                let before = try await server.auditEvents().last?.seq ?? 0
                let response = try await request()
                #expect(response.status.code < 300, "\(route): \(response.text)")
                let new = try await server.auditEvents().filter { $0.seq > before }
                #expect(new.contains { $0.action == action }, "\(route) → \(new.map(\.action))")
                checked.insert(route)
                return response
            }
            let user = try await expectAudited("POST /api/v1/users", action: "create") {
                try await client.send(
                    .post, "/api/v1/users", auth: adminKey,
                    json: [
                        "email": "new@lab.example", "display_name": "New", "role": "technician",
                        "password": TestServer.password,
                    ])
            }
            let userID = try #require(try user.json()["id"] as? Int)
            _ = try await expectAudited("PATCH /api/v1/users/{id}", action: "update") {
                try await client.send(.patch, "/api/v1/users/\(userID)", auth: adminKey, json: ["role": "director"])
            }
            _ = try await expectAudited("POST /api/v1/users/{id}/revoke-sessions", action: "security.session.revoked") {
                try await client.send(.post, "/api/v1/users/\(userID)/revoke-sessions", auth: adminKey)
            }
            _ = try await expectAudited("POST /api/v1/users/{id}/reset-link", action: "security.user.password_reset") {
                try await client.send(.post, "/api/v1/users/\(userID)/reset-link", auth: adminKey)
            }
            let key = try await expectAudited("POST /api/v1/apikeys", action: "create") {
                try await client.send(
                    .post, "/api/v1/apikeys", session: session, json: ["name": "lims", "scopes": ["samples:read"]])
            }
            let keyID = try #require((try key.json()["key"] as? [String: Any])?["id"] as? Int)
            _ = try await expectAudited("DELETE /api/v1/apikeys/{id}", action: "revoke") {
                try await client.send(.delete, "/api/v1/apikeys/\(keyID)", session: session)
            }
            let token = try await expectAudited("POST /api/v1/auth/token", action: "token.issue") {
                try await client.send(
                    .post, "/api/v1/auth/token", json: ["email": admin.email, "password": TestServer.password])
            }
            let refresh = try #require(try token.json()["refresh_token"] as? String)
            _ = try await expectAudited("POST /api/v1/auth/refresh", action: "token.issue") {
                try await client.send(.post, "/api/v1/auth/refresh", json: ["refresh_token": refresh])
            }
            let sample = try await expectAudited("POST /api/v1/samples", action: "create") {
                try await client.send(.post, "/api/v1/samples", auth: adminKey, json: TestServer.sampleBody())
            }
            let sampleID = try #require(try sample.json()["id"] as? Int)
            _ = try await expectAudited("PATCH /api/v1/samples/{id}", action: "update") {
                try await client.send(
                    .patch, "/api/v1/samples/\(sampleID)", auth: adminKey, json: ["notes": "x", "reason": "typo"])
            }
            _ = try await expectAudited("POST /api/v1/samples/{id}/signatures", action: "sign") {
                try await client.send(
                    .post, "/api/v1/samples/\(sampleID)/signatures", session: session,
                    json: ["meaning": "reviewed", "password": TestServer.password])
            }
            let customer = try await expectAudited("POST /api/v1/customers", action: "create") {
                try await client.send(.post, "/api/v1/customers", auth: adminKey, json: ["name": "Stud Farm"])
            }
            let customerID = try #require(try customer.json()["id"] as? Int)
            _ = try await expectAudited("PATCH /api/v1/customers/{id}", action: "update") {
                try await client.send(
                    .patch, "/api/v1/customers/\(customerID)", auth: adminKey, json: ["city": "Celle"])
            }
            _ = try await expectAudited("DELETE /api/v1/customers/{id}", action: "delete") {
                try await client.send(.delete, "/api/v1/customers/\(customerID)", auth: adminKey)
            }
            _ = try await expectAudited("POST /api/v1/customers/{id}/restore", action: "restore") {
                try await client.send(.post, "/api/v1/customers/\(customerID)/restore", auth: adminKey)
            }
            let animal = try await expectAudited("POST /api/v1/animals", action: "create") {
                try await client.send(.post, "/api/v1/animals", auth: adminKey, json: ["species": "bovine"])
            }
            let animalID = try #require(try animal.json()["id"] as? Int)
            _ = try await expectAudited("PATCH /api/v1/animals/{id}", action: "animal.identifiers") {
                try await client.send(
                    .patch, "/api/v1/animals/\(animalID)", auth: adminKey,
                    json: ["identifiers": [["type": "microchip", "value": "276098106543210"]]])
            }
            _ = try await expectAudited("POST /api/v1/animals/bulk", action: "update") {
                try await client.send(
                    .post, "/api/v1/animals/bulk", auth: adminKey,
                    json: ["ids": [animalID], "status": "sold", "reason": "r"])
            }
            _ = try await expectAudited("DELETE /api/v1/animals/{id}", action: "delete") {
                try await client.send(.delete, "/api/v1/animals/\(animalID)", auth: adminKey)
            }
            _ = try await expectAudited("POST /api/v1/animals/{id}/restore", action: "restore") {
                try await client.send(.post, "/api/v1/animals/\(animalID)/restore", auth: adminKey)
            }
            let freezer = try await expectAudited("POST /api/v1/storage/containers", action: "create") {
                try await client.send(
                    .post, "/api/v1/storage/containers", auth: adminKey, json: ["kind": "freezer", "name": "F"])
            }
            let freezerID = try #require(try freezer.json()["id"] as? Int)
            let boxID = try #require(
                try await client.send(
                    .post, "/api/v1/storage/containers", auth: adminKey,
                    json: ["kind": "box", "name": "B1", "rows": 2, "columns": 2, "parent_id": freezerID]
                ).json()["id"] as? Int)
            let tankID = try #require(
                try await client.send(
                    .post, "/api/v1/storage/containers", auth: adminKey, json: ["kind": "tank", "name": "T"]
                )
                .json()["id"] as? Int)
            _ = try await expectAudited("POST /api/v1/storage/containers/{id}/fills", action: "storage.fill") {
                try await client.send(
                    .post, "/api/v1/storage/containers/\(tankID)/fills", auth: adminKey, json: ["litres": 20])
            }
            _ = try await expectAudited("POST /api/v1/storage/check-in", action: "storage.check_in") {
                try await client.send(
                    .post, "/api/v1/storage/check-in", auth: adminKey,
                    json: ["sample_id": sampleID, "container_id": boxID, "position": 1])
            }
            _ = try await expectAudited("POST /api/v1/storage/move", action: "storage.move") {
                try await client.send(
                    .post, "/api/v1/storage/move", auth: adminKey,
                    json: ["sample_id": sampleID, "container_id": boxID, "position": 2, "reason": "r"])
            }
            _ = try await expectAudited("POST /api/v1/storage/moves", action: "storage.move") {
                try await client.send(
                    .post, "/api/v1/storage/moves", auth: adminKey,
                    json: ["reason": "r", "moves": [["sample_id": sampleID, "container_id": boxID, "position": 3]]])
            }
            _ = try await expectAudited("POST /api/v1/storage/check-out", action: "storage.check_out") {
                try await client.send(
                    .post, "/api/v1/storage/check-out", auth: adminKey,
                    json: ["sample_id": sampleID, "reason": "shipment"])
            }
            _ = try await expectAudited("POST /api/v1/samples/import", action: "sample.import") {
                try await client.execute(
                    uri: "/api/v1/samples/import", method: .post,
                    headers: [.authorization: adminKey, .contentType: "text/csv"],
                    body: ByteBuffer(string: "external_id,species,kind,collected_at\r\nCSV-1,bovine,dna,2026-01-02\r\n")
                )
            }
            _ = try await expectAudited("POST /api/v1/customers/import", action: "customer.import") {
                try await client.execute(
                    uri: "/api/v1/customers/import", method: .post,
                    headers: [.authorization: adminKey, .contentType: "text/csv"],
                    body: ByteBuffer(string: "name\r\nImported Farm\r\n"))
            }
            _ = try await expectAudited("POST /api/v1/animals/import", action: "animal.import") {
                try await client.execute(
                    uri: "/api/v1/animals/import", method: .post,
                    headers: [.authorization: adminKey, .contentType: "text/csv"],
                    body: ByteBuffer(string: "species\r\novine\r\n"))
            }
            // Dry runs write nothing.
            checked.formUnion(["/samples", "/customers", "/animals"].map { "POST /api/v1\($0)/import/check" })
            _ = try await expectAudited("POST /api/v1/samples/bulk", action: "update") {
                try await client.send(
                    .post, "/api/v1/samples/bulk", auth: adminKey,
                    json: ["ids": [sampleID], "notes": "bulk", "reason": "r"])
            }
            try await server.services.ipBlocks.block("203.0.113.9", for: 60, reason: "test", event: .commandLine)
            _ = try await expectAudited("DELETE /api/v1/ip-blocks/{ip}", action: "security.ip.unblocked") {
                try await client.send(.delete, "/api/v1/ip-blocks/203.0.113.9", auth: adminKey)
            }

            try await server.services.scheduler.prepare(now: Date())
            _ = try await expectAudited("PATCH /api/v1/schedules/{name}", action: "update") {
                try await client.send(
                    .patch, "/api/v1/schedules/retention", auth: adminKey, json: ["cron": "0 4 * * *"])
            }
            _ = try await expectAudited("POST /api/v1/schedules/{name}/run", action: "start") {
                try await client.send(.post, "/api/v1/schedules/retention/run", auth: adminKey)
            }
            let export = try await expectAudited("POST /api/v1/samples/export-jobs", action: "start") {
                try await client.send(.post, "/api/v1/samples/export-jobs?species=bovine", auth: adminKey)
            }
            _ = try await expectAudited("POST /api/v1/jobs/{id}/cancel", action: "cancel") {
                try await client.send(
                    .post, "/api/v1/jobs/\(try export.json()["id"] as? Int ?? 0)/cancel", auth: adminKey)
            }
            _ = try await expectAudited("POST /api/v1/backups", action: "start") {
                try await client.send(.post, "/api/v1/backups", auth: adminKey)
            }
            let archive = try await server.services.backups.create().archive.lastPathComponent
            _ = try await expectAudited("POST /api/v1/backups/{name}/verify", action: "start") {
                try await client.send(.post, "/api/v1/backups/\(archive)/verify", auth: adminKey)
            }
            let messageID = try await server.services.database.write { db in
                var message = EmailMessage(
                    recipient: "x@lab.example", subject: "s", body: "b", state: .dead, attempts: 6,
                    nextAttemptAt: Date(), createdAt: Date())
                try message.insert(db)
                return message.id ?? 0
            }
            _ = try await expectAudited("POST /api/v1/outbox/{id}/retry", action: "retry") {
                try await client.send(.post, "/api/v1/outbox/\(messageID)/retry", auth: adminKey)
            }
            for (noun, csv) in [
                ("samples", "external_id,species,kind,collected_at\r\nJOB-1,bovine,dna,2026-01-02\r\n"),
                ("customers", "name\r\nJob Farm\r\n"), ("animals", "species\r\novine\r\n"),
            ] {
                _ = try await expectAudited("POST /api/v1/\(noun)/import/jobs", action: "start") {
                    try await client.execute(
                        uri: "/api/v1/\(noun)/import/jobs", method: .post,
                        headers: [.authorization: adminKey, .contentType: "text/csv"], body: ByteBuffer(string: csv))
                }
            }
            let witness = try await server.user(.director)
            try await AuditedLabRoutes.exercise(
                client, adminKey: adminKey, session: session, witness: witness.email,
                expectAudited: { try await expectAudited($0, action: $1, $2) })
            // Reading one's own notifications changes no record anyone audits.
            checked.formUnion(["POST /api/v1/notifications/{id}/read", "POST /api/v1/notifications/read-all"])

            let writing = Set(
                server.policy.keys.filter {
                    $0.hasPrefix("POST /api/") || $0.hasPrefix("PATCH /api/") || $0.hasPrefix("DELETE /api/")
                        || $0.hasPrefix("PUT /api/")
                })
            #expect(checked == writing)
        }
        #expect(try await server.verifyAudit().isIntact)
    }
}
