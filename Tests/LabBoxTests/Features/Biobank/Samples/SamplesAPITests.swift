import Biobank
import CustomFields
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
        #expect(parsed["collected_at"] as? String == "2026-09-21T14:13:20.789Z")
        // Custom fields (decision 0043) as `JSONEncoder` writes the values.
        let values: [String: CustomValue] = [
            "site": .text("Nord \"1\" 🧬"), "height": .number(142.5), "count": .number(3), "day": .date("2026-04-12"),
        ]
        var withFields: [UInt8] = []
        sample.appendJSON(to: &withFields, customFields: values)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(withFields)) as? [String: Any])
        #expect(
            fields["custom_fields"] as? NSDictionary
                == (try JSONSerialization.jsonObject(with: JSONEncoder().encode(values)) as? NSDictionary))
    }

    /// Samples are read by column position (``Sample/columns``): every column of the table is read,
    /// and each by its own name.
    @Test func sampleColumnsAreTheTablesAndReadBackEveryField() async throws {
        let server = try TestServer()
        let database = server.services.database
        let table = try await database.read { db in try db.columns(in: "samples").map(\.name) }
        #expect(Set(Sample.columns.map(\.rawValue)) == Set(table))
        #expect(Sample.columns.count == table.count)
        let now = Date(timeIntervalSince1970: 1_790_000_000.789)
        let sample = Sample(
            externalId: "COLUMNS-1", species: "bovine", kind: "semen", status: .stored, collectedAt: now, notes: "n",
            collectedBy: "by", quantity: 0.5, unit: "mL", doses: 4, freezeThawCount: 2,
            createdAt: now.addingTimeInterval(1),
            updatedAt: now.addingTimeInterval(2))
        let id = try await database.write { db in
            var inserted = sample
            try inserted.insert(db)
            return inserted.id
        }
        var expected = sample
        expected.id = id
        let store = SampleStore(database: database, species: ["bovine"], kinds: ["semen"])
        let sampleID = try #require(id)
        let read = try #require(try await store.sample(id: sampleID))
        #expect(read.columnValues == expected.columnValues)
        let listed = try await store.list(.init(), after: nil, limit: 10).items
        #expect(listed.map(\.columnValues) == [expected.columnValues])
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

            // Malformed against the document: 400. Well formed but naming nothing LabBox knows (a
            // species the lab does not keep, a cursor it never gave out): 422.
            for (bad, status) in [
                ("limit=0", HTTPResponse.Status.badRequest), ("limit=201", .badRequest), ("limit=abc", .badRequest),
                ("status=lost", .badRequest), ("status=", .badRequest), ("cursor=bm9wZQ", .unprocessableContent),
                ("species=dragon", .unprocessableContent),
            ] {
                let response = try await client.send(.get, "/api/v1/samples?\(bad)", auth: key)
                #expect(response.status == status, "\(bad)")
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
            #expect(noReason.status == .unprocessableContent)
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

    @Test func discardingNeedsADifferentPersonAsWitness() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let technician = try await server.signIn(.technician)
        let director = try await server.user(.director)
        try await server.test { client in
            let id = try await client.newSample(auth: key)
            let alone = try await client.send(
                .patch, "/api/v1/samples/\(id)", session: technician,
                json: ["status": "discarded", "reason": "contaminated"])
            #expect(alone.status == .unprocessableContent)
            #expect(try alone.apiError()["field"] as? String == "witness")

            let selfWitness = try await client.send(
                .patch, "/api/v1/samples/\(id)", session: technician,
                json: [
                    "status": "discarded", "reason": "contaminated",
                    "witness": ["email": "technician@lab.example", "password": TestServer.password],
                ])
            #expect(selfWitness.status == .unprocessableContent)
            #expect(try selfWitness.apiError()["field"] as? String == "witness")
            let unchanged = try await client.send(.get, "/api/v1/samples/\(id)", auth: key)
            #expect(try unchanged.json()["status"] as? String == "received")

            let witnessed = try await client.send(
                .patch, "/api/v1/samples/\(id)", session: technician,
                json: [
                    "status": "discarded", "reason": "contaminated",
                    "witness": ["email": director.email, "password": TestServer.password],
                ])
            #expect(witnessed.status == .ok)
            let lines = try await client.signatureManifest(ofSample: id, auth: key)
            #expect(lines.map { $0["meaning"] as? String } == ["witnessed"])
            #expect(lines.first?["user_id"] as? Int == Int(director.id ?? 0))
            #expect(lines.first?["matches_current_version"] as? Bool == true)
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

@Suite struct SampleBulkTests {
    @Test func bulkChangesAreAllOrNothingWithOneReasonAndPerItemResults() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let session = try await server.signIn(.technician)
        let director = try await server.user(.director)
        try await server.test { client in
            let ids = try await step("create three samples and ship the third") {
                var ids: [Int] = []
                for index in 0..<3 {
                    var body = TestServer.sampleBody("BULK-\(index)")
                    body["notes"] = "keep me"
                    ids.append(
                        try #require(
                            try await client.send(.post, "/api/v1/samples", auth: key, json: body).json()["id"] as? Int
                        ))
                }
                for status in ["stored", "shipped"] {
                    let changed = try await client.send(
                        .patch, "/api/v1/samples/\(ids[2])", auth: key, json: ["status": status, "reason": "sold"])
                    #expect(changed.status == .ok)
                }
                return ids
            }

            // The shipped one cannot become stored: nothing changes, each outcome is reported.
            try await step("refuse the whole change when one item cannot take it") {
                let refused = try await client.send(
                    .post, "/api/v1/samples/bulk", auth: key,
                    json: ["ids": ids, "status": "stored", "reason": "frozen"])
                #expect(refused.status == .unprocessableContent)
                let results = try #require(try refused.json()["results"] as? [[String: Any]])
                #expect(results.map { $0["ok"] as? Bool } == [true, true, false])
                #expect(results.last?["field"] as? String == "status")
                let stillReceived = try await client.send(.get, "/api/v1/samples/\(ids[0])", auth: key)
                #expect(try stillReceived.json()["status"] as? String == "received")
            }

            try await step("store two with one reason, and refuse a change without one") {
                let stored = try await client.send(
                    .post, "/api/v1/samples/bulk", auth: key,
                    json: ["ids": Array(ids.prefix(2)), "status": "stored", "reason": "frozen"])
                #expect(stored.status == .ok)
                let noReason = try await client.send(
                    .post, "/api/v1/samples/bulk", auth: key, json: ["ids": [ids[0]], "status": "in_process"])
                #expect(
                    try #require(try noReason.json()["results"] as? [[String: Any]]).first?["field"] as? String
                        == "reason")
            }

            // The page's selection: discarding two needs a witness, who signs each.
            try await step("discard two from the page's selection before a witness, who signs each") {
                var headers = session.headers
                headers[.contentType] = "application/x-www-form-urlencoded"
                let form =
                    "_csrf=\(session.csrf)&ids[]=\(ids[0])&ids[]=\(ids[1])&status=discarded&reason=contaminated"
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
}
