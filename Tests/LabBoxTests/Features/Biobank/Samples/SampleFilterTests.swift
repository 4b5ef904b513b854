import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Sample lists filtered by animal, owner, collection day and storage container, through the API,
/// the page, the CSV export and the background export.
@Suite struct SampleFilterTests {
    /// Two owners' animals, samples collected on both sides of a Berlin midnight, one stored in a
    /// goblet inside a tank.
    struct Lab {
        let key: String
        let meier: Int
        let weiss: Int
        let bella: Int64
        let tank: Int
        let goblet: Int
    }

    /// The lab runs on Berlin time: 2026-03-01T23:30Z is already 2 March there.
    static func server() throws -> TestServer {
        try TestServer { $0.labTime = LabTime(zone: TimeZone(identifier: "Europe/Berlin")!) }
    }

    static func lab(_ client: any TestClientProtocol, _ server: TestServer) async throws -> Lab {
        let key = try await server.apiKey(["admin"])
        let meier = try #require(
            try await client.postJSON("/api/v1/customers", auth: key, ["name": "Hof Meier"])["id"] as? Int)
        let weiss = try #require(
            try await client.postJSON("/api/v1/customers", auth: key, ["name": "Gestüt Weiss"])["id"] as? Int)
        let bella = try await client.newAnimal(auth: key, name: "Bella")
        let max = try await client.newAnimal(auth: key, name: "Max", sex: "male")
        _ = try await client.send(.patch, "/api/v1/animals/\(bella)", auth: key, json: ["owner_id": meier])
        _ = try await client.send(.patch, "/api/v1/animals/\(max)", auth: key, json: ["owner_id": weiss])
        for (code, animal, collected) in [
            ("B-1", bella, "2026-03-01T10:00:00Z"), ("B-2", bella, "2026-03-01T23:30:00Z"),
            ("M-1", max, "2026-03-02T12:00:00Z"), ("M-2", max, "2026-03-05T12:00:00Z"),
        ] {
            var body = TestServer.sampleBody(code)
            body["animal_id"] = animal
            body["collected_at"] = collected
            _ = try await client.postJSON("/api/v1/samples", auth: key, body)
        }
        _ = try await client.postJSON("/api/v1/samples", auth: key, TestServer.sampleBody("NONE-1"))
        let tank = try #require(
            try await client.postJSON("/api/v1/storage/containers", auth: key, ["kind": "tank", "name": "T1"])["id"]
                as? Int)
        let canister = try #require(
            try await client.postJSON(
                "/api/v1/storage/containers", auth: key, ["kind": "canister", "name": "C1", "parent_id": tank])["id"]
                as? Int)
        let goblet = try #require(
            try await client.postJSON(
                "/api/v1/storage/containers", auth: key,
                ["kind": "goblet", "name": "G1", "parent_id": canister, "rows": 1, "columns": 10])["id"] as? Int)
        let stored = try await client.send(.get, "/api/v1/samples?q=B-2", auth: key)
        let storedID = try #require((try stored.json()["items"] as? [[String: Any]])?.first?["id"] as? Int)
        _ = try await client.postJSON(
            "/api/v1/storage/check-in", auth: key, ["sample_id": storedID, "container_id": goblet, "position": 1],
            expect: .ok)
        return Lab(key: key, meier: meier, weiss: weiss, bella: bella, tank: tank, goblet: goblet)
    }

    static func codes(_ client: any TestClientProtocol, _ query: String, key: String) async throws -> [String] {
        let response = try await client.send(.get, "/api/v1/samples?\(query)", auth: key)
        #expect(response.status == .ok, "\(query): \(response.text)")
        return (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["external_id"] as? String }
    }

    @Test func eachFilterAndTheirCombinationSelectTheRightSamples() async throws {
        let server = try Self.server()
        try await server.test { client in
            let lab = try await Self.lab(client, server)
            let key = lab.key
            // Each step reads before it checks: a closure whose only `try` is inside `#expect` is
            // taken for one that cannot throw.
            try await step("by animal and by owner") {
                let (byAnimal, byOwner) = (
                    try await Self.codes(client, "animal_id=\(lab.bella)", key: key),
                    try await Self.codes(client, "owner_id=\(lab.weiss)", key: key)
                )
                #expect(byAnimal == ["B-1", "B-2"])
                #expect(byOwner == ["M-1", "M-2"])
            }
            try await step("by the lab's calendar days, both ends included") {
                let firstDay = try await Self.codes(client, "collected_to=2026-03-01", key: key)
                let secondDay = try await Self.codes(
                    client, "collected_from=2026-03-02&collected_to=2026-03-02", key: key)
                let later = try await Self.codes(client, "collected_from=2026-03-03", key: key)
                // 23:30 UTC on 1 March is 2 March in Berlin.
                #expect(firstDay == ["B-1", "NONE-1"])
                #expect(secondDay == ["B-2", "M-1"])
                #expect(later == ["M-2"])
            }
            try await step("by a tank: what is in its goblets too") {
                let inTank = try await Self.codes(client, "container_id=\(lab.tank)", key: key)
                let inGoblet = try await Self.codes(client, "container_id=\(lab.goblet)", key: key)
                #expect(inTank == ["B-2"])
                #expect(inGoblet == ["B-2"])
            }
            try await step("combined, and paged by keyset with the filters kept") {
                #expect(
                    try await Self.codes(
                        client, "owner_id=\(lab.meier)&collected_from=2026-03-02&container_id=\(lab.tank)", key: key)
                        == ["B-2"])
                let first = try await client.send(
                    .get, "/api/v1/samples?collected_from=2026-03-01&limit=2&sort=-collected_at", auth: key)
                let cursor = try #require(try first.json()["next_cursor"] as? String)
                #expect(
                    try await Self.codes(
                        client, "collected_from=2026-03-01&limit=2&sort=-collected_at&cursor=\(cursor)", key: key) == [
                            "B-2", "B-1",
                        ])
            }
        }
    }

    @Test func badFilterValuesAreRefusedNamingTheParameter() async throws {
        let server = try Self.server()
        try await server.test { client in
            let lab = try await Self.lab(client, server)
            for (query, status, field) in [
                ("animal_id=abc", 400, "animal_id"), ("owner_id=-3", 400, "owner_id"),
                ("collected_from=1.3.2026", 400, "collected_from"), ("collected_to=2026-02-30", 400, "collected_to"),
                ("animal_id=999999", 422, "animal_id"), ("owner_id=999999", 422, "owner_id"),
                ("container_id=999999", 422, "container_id"),
                ("collected_from=2026-03-05&collected_to=2026-03-01", 422, "collected_to"),
            ] {
                for path in ["/api/v1/samples", "/api/v1/samples/export"] {
                    let response = try await client.send(.get, "\(path)?\(query)", auth: lab.key)
                    #expect(response.status.code == status, "\(path)?\(query)")
                    #expect(try response.apiError()["field"] as? String == field, "\(path)?\(query)")
                }
            }
            let job = try await client.send(.post, "/api/v1/samples/export-jobs?owner_id=999999", auth: lab.key)
            #expect(job.status == .unprocessableContent)
        }
    }

    @Test func pageFormExportAndBackgroundExportKeepTheFilters() async throws {
        let server = try Self.server()
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let lab = try await Self.lab(client, server)
            let query = "owner_id=\(lab.meier)&collected_from=2026-03-01&collected_to=2026-03-02"
            try await step("the page shows the filtered samples and keeps the filter in its links") {
                let page = try await client.send(.get, "/samples?\(query)&animal_id=&container_id=", session: session)
                #expect(page.status == .ok)
                #expect(page.text.contains(">B-1<") && page.text.contains(">B-2<"))
                #expect(!page.text.contains(">M-1<") && !page.text.contains(">NONE-1<"))
                #expect(page.text.contains("value=\"2026-03-01\""))
                #expect(
                    page.text.contains("action=\"/samples/export?\(query.replacingOccurrences(of: "&", with: "&amp;"))")
                )
            }
            try await step("the CSV export holds the same rows") {
                let csv = try await client.send(.get, "/api/v1/samples/export?\(query)", auth: lab.key)
                let rows = csv.text.split(separator: "\r\n").dropFirst().map { $0.prefix(3) }
                #expect(rows == ["B-1", "B-2"])
            }
            try await step("the background export too") {
                try await withJobRunner(server) {
                    let job = try await client.send(.post, "/api/v1/samples/export-jobs?\(query)", session: session)
                    #expect(job.status == .accepted)
                    let id = try #require(try job.json()["id"] as? Int)
                    let done = try await waitForJob(client, id, auth: lab.key)
                    let url = try #require(done["result_url"] as? String)
                    let file = try await client.send(.get, url, session: session)
                    #expect(file.text.split(separator: "\r\n").dropFirst().map { $0.prefix(3) } == ["B-1", "B-2"])
                }
            }
        }
    }

    /// The filters a list page is most often opened with use an index, never a scan of samples.
    @Test func filtersUseIndexes() async throws {
        let server = try Self.server()
        let plans = try await server.services.database.read { db in
            try [
                "collected_at >= '2026-03-01' AND collected_at < '2026-03-02'", "animal_id = 1",
                "animal_id IN (SELECT id FROM animals WHERE owner_id = 1)",
                """
                container_id IN (WITH RECURSIVE inside(id) AS (SELECT 1 UNION ALL
                SELECT c.id FROM storage_containers c JOIN inside ON c.parent_id = inside.id) SELECT id FROM inside)
                """,
            ].map { condition in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT id FROM samples WHERE \(condition) ORDER BY id LIMIT 51"
                ).map { $0["detail"] as String }.joined(separator: "\n")
            }
        }
        for plan in plans {
            #expect(!plan.contains("SCAN samples"), "\(plan)")
        }
    }
}
