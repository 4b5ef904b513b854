import Biobank
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// How many samples wait to be indexed for search.
private func backlog(_ database: AppDatabase) async throws -> Int {
    try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM samples_fts_backlog") ?? -1 }
}

@Suite struct SearchTests {
    @Test func findsAcrossKindsWithinWhatTheCallerMayReadAndJumpsToABarcode() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let samplesOnly = try await server.apiKey(["samples:read"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            var body = TestServer.sampleBody("BULL-7781-S3")
            body["notes"] = "Straw from Zürich collection, motility 65 %"
            let sample = try await client.send(.post, "/api/v1/samples", auth: admin, json: body)
            let sampleID = try #require(try sample.json()["id"] as? Int)
            _ = try await client.send(
                .post, "/api/v1/animals", auth: admin,
                json: [
                    "species": "bovine", "name": "Zurich Star",
                    "identifiers": [["type": "ear_tag", "value": "CH120034567"]],
                ])
            _ = try await client.send(.post, "/api/v1/customers", auth: admin, json: ["name": "Zürich Genetics AG"])

            // Diacritics folded, prefixes matched, every kind present for an admin.
            let all = try await client.send(.get, "/api/v1/search?q=zuri", auth: admin)
            let types = try #require(try all.json()["items"] as? [[String: Any]]).compactMap { $0["type"] as? String }
            #expect(Set(types) == ["sample", "animal", "customer"])
            let byTag = try await client.send(.get, "/api/v1/search?q=CH120034567", auth: admin)
            #expect((try byTag.json()["items"] as? [[String: Any]])?.first?["title"] as? String == "Zurich Star")
            // A key that may read only samples sees only samples.
            let limited = try await client.send(.get, "/api/v1/search?q=zuri", auth: samplesOnly)
            let limitedTypes = try #require(try limited.json()["items"] as? [[String: Any]]).compactMap {
                $0["type"] as? String
            }
            #expect(limitedTypes == ["sample"])
            // FTS5 syntax in the query is just text.
            // A NUL byte (issue 20) answered 500.
            for hostile in [
                "\"", "AND OR NOT", "NEAR(a b", "*", "col:val", "'; DROP TABLE samples; --", "zu\0ri", "\0",
            ] {
                let response = try await client.send(
                    .get, "/api/v1/search?q=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    auth: admin)
                #expect(response.status == .ok, "\(hostile)")
            }
            // A scanned barcode in the search box opens the sample.
            let scan = try await client.execute(uri: "/search?q=BULL-7781-S3", method: .get, headers: session.headers)
            #expect(scan.status == .seeOther)
            #expect(scan.headers[.location] == "/samples/\(sampleID)")
            let listed = try await client.send(.get, "/api/v1/samples?q=motility", auth: admin)
            #expect((try listed.json()["items"] as? [[String: Any]])?.count == 1)
        }
    }

    /// New samples wait in the backlog instead of being indexed in their own transaction; a search
    /// still finds them at once, by their latest notes, and the index stays consistent with the
    /// table through changes before and after indexing.
    @Test func samplesWrittenSinceTheLastIndexingAreFoundAndTheIndexStaysConsistent() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let database = server.services.database
        func found(_ word: String) async throws -> [String] {
            try await server.test { client in
                let response = try await client.send(.get, "/api/v1/samples?q=\(word)", auth: admin).json()
                return (response["items"] as? [[String: Any]] ?? []).compactMap { $0["external_id"] as? String }
            }
        }
        try await server.test { client in
            var body = TestServer.sampleBody("IDX-1")
            body["notes"] = "alpha"
            let created = try await client.send(.post, "/api/v1/samples", auth: admin, json: body)
            let id = try #require(try created.json()["id"] as? Int)
            #expect(try await backlog(database) == 1)
            // Changed while still waiting: indexed later with its final notes only.
            let changed = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: admin, json: ["notes": "bravo", "reason": "typo"])
            #expect(changed.status == .ok)
        }
        #expect(try await found("alpha") == [])
        #expect(try await found("bravo") == ["IDX-1"])
        #expect(try await backlog(database) == 0)
        // Changed once indexed: the index drops the old words.
        try await server.test { client in
            let list = try await client.send(.get, "/api/v1/samples?q=bravo", auth: admin).json()
            let id = try #require((list["items"] as? [[String: Any]])?.first?["id"] as? Int)
            let changed = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: admin, json: ["notes": "charlie", "reason": "typo"])
            #expect(changed.status == .ok)
            _ = try await client.send(.post, "/api/v1/samples", auth: admin, json: TestServer.sampleBody("IDX-2"))
        }
        #expect(try await found("bravo") == [])
        #expect(try await found("charlie") == ["IDX-1"])
        #expect(try await found("idx") == ["IDX-1", "IDX-2"])
        try await database.write { db in
            try db.execute(sql: "INSERT INTO samples_fts (samples_fts, rank) VALUES ('integrity-check', 1)")
        }
    }

    /// The indexer keeps the backlog short without anyone searching.
    @Test func theIndexerEmptiesTheBacklogInTheBackground() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            _ = try await client.send(.post, "/api/v1/samples", auth: admin, json: TestServer.sampleBody("IDX-3"))
        }
        let database = server.services.database
        let indexer = Task {
            try await SearchIndexer(
                database: database, indexes: [Sample.searchIndex].compactMap { $0 }, interval: .milliseconds(20)
            ).run()
        }
        defer { indexer.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        var waiting = 1
        while waiting > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            waiting = try await backlog(database)
        }
        #expect(waiting == 0)
        let indexed = try await database.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM samples_fts WHERE samples_fts MATCH 'idx'") ?? 0
        }
        #expect(indexed == 1)
    }
}
