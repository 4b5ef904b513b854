import Biobank
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

/// `/api/v1/samples` against `../shared/contracts/samples-api.md`, through the real stack.
@Suite struct SamplesAPITests {
    @Test func createReadAndTextStoredVerbatim() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            var body = TestServer.sampleBody("Ünïcode-\"quoted\"-<script>")
            body["notes"] = "'; DROP TABLE samples; -- <script>alert(1)</script> 🧬\nline two"
            let created = try await client.send(.post, "/api/v1/samples", auth: key, json: body)
            #expect(created.status == .created)
            let sample = try created.json()
            #expect(sample["external_id"] as? String == body["external_id"] as? String)
            #expect(sample["notes"] as? String == body["notes"] as? String)
            #expect(sample["status"] as? String == "received")
            #expect(sample["animal_id"] is NSNull)
            for field in ["created_at", "updated_at", "collected_at"] {
                #expect(Timestamp.parse(try #require(sample[field] as? String)) != nil, "\(field)")
            }
            let id = try #require(sample["id"] as? Int)
            let read = try await client.send(.get, "/api/v1/samples/\(id)", auth: key)
            #expect(read.status == .ok)
            #expect(try read.json()["notes"] as? String == body["notes"] as? String)
            let missing = try await client.send(.get, "/api/v1/samples/999999", auth: key)
            #expect(missing.status == .notFound)
            #expect(try missing.apiError()["code"] as? String == "not_found")
        }
    }

    /// Creates that arrive together share commits; each still gets its own sample and audit event,
    /// and the chain stays intact.
    @Test func concurrentCreatesEachGetTheirSampleAndAuditEvent() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write"])
        let before = try await server.auditEvents().count
        let statuses = try await server.test { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        let body = TestServer.sampleBody("GC-\(index)")
                        return Int(try await client.send(.post, "/api/v1/samples", auth: key, json: body).status.code)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses == Array(repeating: 201, count: 60))
        let events = try await server.auditEvents().dropFirst(before)
        #expect(Set(events.filter { $0.entityType == "sample" }.map(\.entityId)).count == 60)
        #expect(try await server.verifyAudit().isIntact)
    }

    /// The API writes samples with ``JSONText``; what it writes must be what `Encodable` says.
    @Test func directJSONEqualsTheEncodableForm() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000.789)
        var sample = Sample(
            id: 42, externalId: "Ünï \"q\" \\ /", species: "bovine", kind: "semen", status: .stored, animalId: nil,
            collectedAt: now, notes: "line\nbreak\ttab \u{1} <script> 🧬", createdAt: now, updatedAt: now)
        for (quantity, doses, container) in [(0.25, 3, 7), (2.0, 0, 8)] as [(Double, Int, Int64)] {
            sample.quantity = quantity
            sample.doses = doses
            sample.containerId = container
            sample.position = 5
            var direct: [UInt8] = []
            sample.appendJSON(to: &direct)
            let parsed = try JSONSerialization.jsonObject(with: Data(direct)) as? NSDictionary
            let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(sample)) as? NSDictionary
            #expect(parsed != nil)
            #expect(parsed == encoded)
        }
        sample.quantity = nil
        var direct: [UInt8] = []
        sample.appendJSON(to: &direct)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(direct)) as? [String: Any])
        #expect(parsed["quantity"] is NSNull)
        #expect(parsed["animal_id"] is NSNull)
        #expect(parsed["collected_at"] as? String == "2026-09-21T14:13:20Z")
    }

    @Test func badInputIsRefusedWithTheField() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write"])
        try await server.test { client in
            let cases: [(String, Any?, String)] = [
                ("species", "dragon", "species"), ("kind", "hair", "kind"), ("status", "frozen", "status"),
                ("external_id", "", "external_id"), ("external_id", String(repeating: "x", count: 65), "external_id"),
                ("notes", String(repeating: "n", count: 2001), "notes"), ("collected_at", "yesterday", "collected_at"),
                ("animal_id", 424242, "animal_id"), ("species", 7, "species"), ("external_id", nil, "external_id"),
            ]
            for (field, value, expectedField) in cases {
                var body = TestServer.sampleBody()
                body[field] = value
                let response = try await client.send(.post, "/api/v1/samples", auth: key, json: body)
                #expect([400, 422].contains(response.status.code), "\(field)=\(String(describing: value))")
                #expect(try response.apiError()["field"] as? String == expectedField, "\(field)")
            }
            let notJSON = try await client.execute(
                uri: "/api/v1/samples", method: .post, headers: [.authorization: key, .contentType: "text/plain"],
                body: ByteBuffer(string: "external_id=x"))
            #expect([400, 415].contains(notJSON.status.code))
            let malformed = try await client.execute(
                uri: "/api/v1/samples", method: .post,
                headers: [.authorization: key, .contentType: "application/json"],
                body: ByteBuffer(string: "{\"external_id\":"))
            #expect(malformed.status == .badRequest)
            _ = try malformed.apiError()
        }
        #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 0)
    }

    @Test func duplicateExternalIDConflictsAndKeepsTheFirst() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write"])
        try await server.test { client in
            let body = TestServer.sampleBody("DUP-1")
            #expect(try await client.send(.post, "/api/v1/samples", auth: key, json: body).status == .created)
            var again = body
            again["notes"] = "second"
            let conflict = try await client.send(.post, "/api/v1/samples", auth: key, json: again)
            #expect(conflict.status == .conflict)
            #expect(try conflict.apiError()["code"] as? String == "conflict")
        }
        let events = try await server.auditEvents().filter { $0.entityType == "sample" }
        #expect(events.count == 1)
    }

    @Test func filtersAndCursorsVisitEveryMatchingRowOnce() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            for index in 0..<37 {
                var body = TestServer.sampleBody("F-\(index)", species: index % 3 == 0 ? "equine" : "bovine")
                body["status"] = index % 2 == 0 ? "stored" : "received"
                #expect(try await client.send(.post, "/api/v1/samples", auth: key, json: body).status == .created)
            }
            var seen: [Int] = []
            var cursor: String?
            repeat {
                let uri =
                    "/api/v1/samples?species=bovine&status=stored&limit=4" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.send(.get, uri, auth: key)
                #expect(page.status == .ok)
                let json = try page.json()
                let items = try #require(json["items"] as? [[String: Any]])
                for item in items {
                    #expect(item["species"] as? String == "bovine")
                    #expect(item["status"] as? String == "stored")
                    seen.append(try #require(item["id"] as? Int))
                }
                #expect(json.keys.contains("next_cursor"))
                cursor = json["next_cursor"] as? String
            } while cursor != nil
            let expected = (0..<37).filter { $0 % 3 != 0 && $0 % 2 == 0 }.count
            #expect(seen.count == expected)
            #expect(Set(seen).count == seen.count)
            #expect(seen == seen.sorted())

            for bad in ["limit=0", "limit=201", "limit=abc", "cursor=bm9wZQ", "species=dragon", "status=lost"] {
                let response = try await client.send(.get, "/api/v1/samples?\(bad)", auth: key)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try response.apiError()["field"] as? String != nil, "\(bad)")
            }
        }
    }

    @Test func statusFollowsTheLifecycleAndChangesNeedAReason() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            let created = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            let id = try #require(try created.json()["id"] as? Int)
            let noReason = try await client.send(.patch, "/api/v1/samples/\(id)", auth: key, json: ["status": "stored"])
            #expect(noReason.status == .badRequest)
            #expect(try noReason.apiError()["field"] as? String == "reason")
            let stored = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: key, json: ["status": "stored", "reason": "frozen in T1"])
            #expect(stored.status == .ok)
            let shipped = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: key, json: ["status": "shipped", "reason": "sold"])
            #expect(shipped.status == .ok)
            let back = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: key, json: ["status": "stored", "reason": "undo"])
            #expect(back.status == .unprocessableContent)
            let error = try back.apiError()
            #expect(error["field"] as? String == "status")
            #expect((error["message"] as? String)?.contains("final") == true)

            let history = try await client.send(.get, "/api/v1/samples/\(id)/history", auth: key)
            let items = try #require(try history.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["action"] as? String } == ["sample.status", "sample.status", "create"])
            #expect(items.first?["reason"] as? String == "sold")
            let changes = try #require(items.first?["changes"] as? [[String: Any]])
            #expect(changes.first { $0["field"] as? String == "status" }?["before"] as? String == "stored")
            #expect(changes.first { $0["field"] as? String == "status" }?["after"] as? String == "shipped")
        }
    }
}

@Suite struct SampleLineageTests {
    @Test func aliquotsDerivativesAndPoolsFormALineageBothWays() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            func create(_ id: String, _ extra: [String: Any] = [:]) async throws -> TestResponse {
                try await client.send(
                    .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody(id).merging(extra) { $1 })
            }
            var body = ["collected_by": "Dr. Weiss", "quantity": 6.5, "unit": "mL", "doses": 40] as [String: Any]
            let ejaculate = try await create("EJ-1", body)
            #expect(try ejaculate.json()["quantity"] as? Double == 6.5)
            #expect(try ejaculate.json()["freeze_thaw_count"] as? Int == 0)
            let parent = try #require(try ejaculate.json()["id"] as? Int)
            let other = try #require(try await create("EJ-2").json()["id"] as? Int)
            body = ["parents": [["sample_id": parent, "relation": "aliquot"]]]
            let aliquot = try #require(try await create("EJ-1-A", body).json()["id"] as? Int)
            let pool = try await create(
                "POOL-1",
                ["parents": [["sample_id": aliquot, "relation": "pool"], ["sample_id": other, "relation": "pool"]]])
            #expect(pool.status == .created)
            let poolID = try #require(try pool.json()["id"] as? Int)

            let onePool = try await create("POOL-2", ["parents": [["sample_id": parent, "relation": "pool"]]])
            #expect(try onePool.apiError()["field"] as? String == "parents")
            let twoAliquot = try await create(
                "A-2",
                [
                    "parents": [
                        ["sample_id": parent, "relation": "aliquot"], ["sample_id": other, "relation": "aliquot"],
                    ]
                ])
            #expect(try twoAliquot.apiError()["field"] as? String == "parents")
            let otherSpecies = try await create(
                "A-3", ["species": "equine", "parents": [["sample_id": parent, "relation": "aliquot"]]])
            #expect(try otherSpecies.apiError()["field"] as? String == "parents")
            let badUnit = try await create("U-1", ["unit": "bushels"])
            #expect(try badUnit.apiError()["field"] as? String == "unit")

            let down = try await client.send(.get, "/api/v1/samples/\(parent)/lineage", auth: key)
            let child = try #require((try down.json()["descendants"] as? [[String: Any]])?.first)
            #expect(child["external_id"] as? String == "EJ-1-A")
            #expect(((child["links"] as? [[String: Any]])?.first)?["external_id"] as? String == "POOL-1")
            let up = try await client.send(.get, "/api/v1/samples/\(poolID)/lineage", auth: key)
            let sources = try #require(try up.json()["ancestors"] as? [[String: Any]])
            #expect(Set(sources.compactMap { $0["external_id"] as? String }) == ["EJ-1-A", "EJ-2"])
            let grand = sources.first { $0["external_id"] as? String == "EJ-1-A" }?["links"] as? [[String: Any]]
            #expect(grand?.first?["external_id"] as? String == "EJ-1")

            let thawed = try await client.send(
                .patch, "/api/v1/samples/\(parent)", auth: key,
                json: ["freeze_thaw_count": 1, "reason": "thawed for IVF"])
            #expect(try thawed.json()["freeze_thaw_count"] as? Int == 1)
            let back = try await client.send(
                .patch, "/api/v1/samples/\(parent)", auth: key, json: ["freeze_thaw_count": 0, "reason": "oops"])
            #expect(try back.apiError()["field"] as? String == "freeze_thaw_count")
        }
    }
}

@Suite struct SampleCSVTests {
    @Test func exportStreamsTheFilteredListAsCSV() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            for index in 0..<5 {
                var body = TestServer.sampleBody("E-\(index)", species: index < 3 ? "bovine" : "equine")
                body["notes"] = index == 0 ? "line one\nline \"two\", with comma" : "=cmd()"
                _ = try await client.send(.post, "/api/v1/samples", auth: key, json: body)
            }
            let csv = try await client.send(.get, "/api/v1/samples/export?species=bovine", auth: key)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let text = csv.text
            #expect(text.hasPrefix(SampleCSV.columns.joined(separator: ",") + "\r\n"))
            #expect(text.contains("\"line one\nline \"\"two\"\", with comma\""))
            #expect(text.contains("'=cmd()"))  // never a live formula in a spreadsheet
            // What was exported parses back to the same three rows.
            let store = SampleStore(database: server.services.database, species: ["bovine"], kinds: ["semen"])
            let rows = try SampleCSV(store: store).importer.parse(text)
            #expect(rows.map { $0["external_id"] } == ["E-0", "E-1", "E-2"])
        }
    }

    @Test func importChecksEveryRowAndWritesAllOrNothing() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            _ = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("EXISTS-1"))
            func post(_ path: String, _ csv: String) async throws -> TestResponse {
                try await client.execute(
                    uri: path, method: .post, headers: [.authorization: key, .contentType: "text/csv"],
                    body: ByteBuffer(string: csv))
            }
            // Excel's habits: a BOM, semicolons, day-first dates, a quoted line break, decimal commas.
            let bad =
                "\u{FEFF}external_id;species;kind;collected_at;quantity;notes\r\n"
                + "IMP-1;bovine;semen;01.03.2026;0,25;\"two\nlines\"\r\n"
                + "IMP-1;bovine;semen;2026-03-01;;\r\n"
                + "IMP-3;dragon;semen;2026-03-01;;\r\n"
                + "EXISTS-1;bovine;semen;2026-03-01;;\r\n"
                + "IMP-5;bovine;semen;yesterday;;\r\n"
            let check = try await post("/api/v1/samples/import/check", bad)
            #expect(check.status == .ok)
            let report = try check.json()
            #expect(report["rows"] as? Int == 5)
            #expect(report["valid"] as? Int == 1)
            let problems = try #require(report["problems"] as? [[String: Any]])
            #expect(problems.map { $0["row"] as? Int } == [3, 4, 5, 6])
            #expect(
                problems.map { $0["field"] as? String } == ["external_id", "species", "external_id", "collected_at"])

            let refused = try await post("/api/v1/samples/import", bad)
            #expect(refused.status == .unprocessableContent)
            _ = try refused.apiError()
            #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 1)

            let good =
                "\u{FEFF}external_id;species;kind;collected_at;quantity;unit;notes\r\n"
                + "IMP-1;bovine;semen;01.03.2026;0,25;mL;\"two\nlines\"\r\n"
                + "IMP-2;equine;embryo;2026-03-01 08:15;;;\r\n"
            let imported = try await post("/api/v1/samples/import", good)
            #expect(imported.status == .created)
            #expect(try imported.json()["imported"] as? Int == 2)
            let first = try await client.send(.get, "/api/v1/samples?q=IMP", auth: key)
            let items = try #require(try first.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["notes"] as? String } == ["two\nlines", ""])
            #expect(items.first?["quantity"] as? Double == 0.25)
            #expect(items.last?["collected_at"] as? String == "2026-03-01T08:15:00Z")
            // The import suspended the search trigger for its rows; it is back for the next create.
            let next = try await client.send(
                .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("AFTER-IMPORT-1"))
            #expect(next.status == .created)
            let found = try await client.send(.get, "/api/v1/samples?q=AFTER", auth: key)
            #expect((try found.json()["items"] as? [[String: Any]])?.count == 1)

            let unknown = try await post("/api/v1/samples/import/check", "external_id,colour\r\nA,red\r\n")
            #expect(try unknown.apiError()["field"] as? String == "file")
            let json = try await client.send(.post, "/api/v1/samples/import/check", auth: key, json: ["a": 1])
            #expect(json.status == .unsupportedMediaType)
        }
        let imports = try await server.auditEvents().filter { $0.action == "sample.import" }
        #expect(imports.count == 2)
        // Each event's snapshot carries the id the row was given, as a single create's does.
        for event in imports {
            #expect(AuditValue.decode(event.after)["id"] == .integer(Int64(event.entityId) ?? -1))
            #expect(AuditValue.decode(event.after)["external_id"] != nil)
        }
        #expect(try await server.verifyAudit().isIntact)
    }
}

@Suite struct SampleBulkTests {
    @Test func bulkChangesAreAllOrNothingWithOneReasonAndPerItemResults() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let session = try await server.signIn(.technician)
        let director = try await server.user(.director)
        try await server.test { client in
            var ids: [Int] = []
            for index in 0..<3 {
                var body = TestServer.sampleBody("BULK-\(index)")
                body["notes"] = "keep me"
                ids.append(
                    try #require(
                        try await client.send(.post, "/api/v1/samples", auth: key, json: body).json()["id"] as? Int))
            }
            for status in ["stored", "shipped"] {
                let changed = try await client.send(
                    .patch, "/api/v1/samples/\(ids[2])", auth: key, json: ["status": status, "reason": "sold"])
                #expect(changed.status == .ok)
            }
            // The shipped one cannot become stored: nothing changes, each outcome is reported.
            let refused = try await client.send(
                .post, "/api/v1/samples/bulk", auth: key, json: ["ids": ids, "status": "stored", "reason": "frozen"])
            #expect(refused.status == .unprocessableContent)
            let results = try #require(try refused.json()["results"] as? [[String: Any]])
            #expect(results.map { $0["ok"] as? Bool } == [true, true, false])
            #expect(results.last?["field"] as? String == "status")
            let stillReceived = try await client.send(.get, "/api/v1/samples/\(ids[0])", auth: key)
            #expect(try stillReceived.json()["status"] as? String == "received")

            let stored = try await client.send(
                .post, "/api/v1/samples/bulk", auth: key,
                json: ["ids": Array(ids.prefix(2)), "status": "stored", "reason": "frozen"])
            #expect(stored.status == .ok)
            let noReason = try await client.send(
                .post, "/api/v1/samples/bulk", auth: key, json: ["ids": [ids[0]], "status": "in_process"])
            #expect(
                try #require(try noReason.json()["results"] as? [[String: Any]]).first?["field"] as? String == "reason")

            // The page's selection: discarding two needs a witness, who signs each.
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let form = "_csrf=\(session.csrf)&ids[]=\(ids[0])&ids[]=\(ids[1])&status=discarded&reason=contaminated"
            let unwitnessed = try await client.execute(
                uri: "/samples/bulk", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(unwitnessed.status == .unprocessableContent)
            #expect(unwitnessed.text.contains("witness"))
            let witnessed = try await client.execute(
                uri: "/samples/bulk", method: .post, headers: headers,
                body: ByteBuffer(
                    string: form + "&witness_email=\(director.email.replacingOccurrences(of: "@", with: "%40"))"
                        + "&witness_password=correct+horse+battery+staple"))
            #expect(witnessed.status == .seeOther)
            for id in ids.prefix(2) {
                let sample = try await client.send(.get, "/api/v1/samples/\(id)", auth: key).json()
                #expect(sample["status"] as? String == "discarded")
                #expect(sample["notes"] as? String == "keep me")
                let manifest = try await client.send(.get, "/api/v1/samples/\(id)/signatures", auth: key).json()
                #expect((manifest["items"] as? [[String: Any]])?.first?["meaning"] as? String == "witnessed")
            }
        }
    }
}

@Suite struct ListSortTests {
    /// Follows `next_cursor` from `path` and returns every item's `field`, in order.
    private func walk(_ client: some TestClientProtocol, _ path: String, key: String, field: String) async throws
        -> [String]
    {
        var values: [String] = []
        var cursor: String?
        repeat {
            let response = try await client.send(.get, path + (cursor.map { "&cursor=\($0)" } ?? ""), auth: key)
            #expect(response.status == .ok, "\(response.text)")
            let json = try response.json()
            values += try #require(json["items"] as? [[String: Any]]).map { "\($0[field] ?? "null")" }
            cursor = json["next_cursor"] as? String
        } while cursor != nil
        return values
    }

    @Test func sortedListsVisitEveryRowOnceAcrossCursorsIncludingTies() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write", "animals:read", "animals:write"])
        try await server.test { client in
            let names = ["M", "C", "X", "A", "Q", "E", "K"]
            for (index, name) in names.enumerated() {
                var body = TestServer.sampleBody("S-\(name)")
                body["collected_at"] = "2026-01-0\(1 + index % 2)T00:00:00Z"  // many ties
                _ = try await client.send(.post, "/api/v1/samples", auth: key, json: body)
                var animal: [String: Any] = ["species": "bovine", "name": name]
                if index % 3 != 0 { animal["birth_date"] = "2020-0\(1 + index % 5)-01" }
                _ = try await client.send(.post, "/api/v1/animals", auth: key, json: animal)
            }
            let descending = try await walk(
                client, "/api/v1/samples?sort=-external_id&limit=2", key: key, field: "external_id")
            #expect(descending == names.map { "S-\($0)" }.sorted(by: >))
            let byDate = try await walk(client, "/api/v1/samples?sort=collected_at&limit=3", key: key, field: "id")
            #expect(byDate.count == names.count && Set(byDate).count == names.count)
            let dates = try await walk(
                client, "/api/v1/samples?sort=collected_at&limit=3", key: key, field: "collected_at")
            #expect(dates == dates.sorted())
            let born = try await walk(client, "/api/v1/animals?sort=-birth_date&limit=2", key: key, field: "name")
            #expect(born.count == names.count && Set(born) == Set(names))
            let bad = try await client.send(.get, "/api/v1/samples?sort=notes", auth: key)
            #expect(try bad.apiError()["field"] as? String == "sort")
            let forged = try await client.send(.get, "/api/v1/samples?cursor=djI6eDp5", auth: key)
            #expect(forged.status == .badRequest)
        }
    }
}
