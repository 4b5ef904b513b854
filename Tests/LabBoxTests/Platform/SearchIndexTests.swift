import Biobank
import Foundation
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import Testing

/// How many samples wait to be indexed for search.
private func backlog(_ database: AppDatabase) async throws -> Int {
    try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM samples_fts_backlog") ?? -1 }
}

/// The platform's search indexes (SearchIndex, SearchIndexer), on the samples' index.
@Suite struct SearchIndexTests {
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
        let emptied = try await poll(every: .milliseconds(20)) { try await backlog(database) == 0 ? true : nil }
        #expect(emptied == true)
        let indexed = try await database.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM samples_fts WHERE samples_fts MATCH 'idx'") ?? 0
        }
        #expect(indexed == 1)
    }
}
