import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LabBoxPlatform
import LabBoxServer
import Testing

/// A full or read-only disk is a refusal the operator can act on, not an internal error (issue 22,
/// scripts/test-faults drills the real thing): 507 `insufficient_storage` and 503 `read_only`
/// with the JSON error body, a readable page in the browser, reads unaffected, and writes
/// succeeding again as soon as the disk takes them.
@Suite struct StorageFaultTests {
    /// SQLite's page limit on the writer's connection stands in for the disk filling up.
    private func limitPages(_ server: TestServer, to pages: Int?) async throws {
        try await server.services.database.pool.writeWithoutTransaction { db in
            let limit = try pages ?? Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(limit)")
        }
    }

    @Test func aFullDiskRefusesWritesWith507AndRecoversWhenSpaceReturns() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            let saved = try await client.newSample(auth: key)
            try await limitPages(server, to: nil)
            var refusal: TestResponse?
            for _ in 0..<500 {
                let response = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
                if response.status != .created {
                    refusal = response
                    break
                }
            }
            let refused = try #require(refusal)
            #expect(refused.status.code == 507)
            let error = try refused.apiError()
            #expect(error["code"] as? String == "insufficient_storage")
            #expect((error["message"] as? String)?.contains("disk that holds LabBox's data is full") == true)
            #expect(error["request_id"] as? String != nil)
            #expect(try await client.send(.get, "/api/v1/samples/\(saved)", auth: key).status == .ok)

            try await limitPages(server, to: 1_073_741_823)
            let again = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            #expect(again.status == .created)
        }
    }

    @Test func aReadOnlyDatabaseRefusesWritesWith503AndReadsNeedNoWrite() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        let browser = try await server.signIn(.admin)
        try await server.test { client in
            _ = try await client.newSample(auth: key)
            // Due for its once-a-minute slide, and a search due to index the new sample first:
            // both write, and neither may fail the page or the search.
            try await server.services.database.write { db in
                try db.execute(
                    sql: "UPDATE sessions SET last_seen_at = ?", arguments: [Date().addingTimeInterval(-120)])
            }
            try await server.services.database.pool.writeWithoutTransaction {
                try $0.execute(sql: "PRAGMA query_only = 1")
            }
            let refused = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            #expect(refused.status == .serviceUnavailable)
            #expect(try refused.apiError()["code"] as? String == "read_only")
            #expect(try await client.send(.get, "/api/v1/samples?q=S", auth: key).status == .ok)
            #expect(try await client.send(.get, "/samples", session: browser).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect((try ready.json()["checks"] as? [String: String])?["database"] == "read_only")
        }
    }

    @Test func theBrowserIsToldWhatHappenedAndWhatToDo() async throws {
        let routes: (Router<AppRequestContext>) -> Void = { router in
            router.get("/test-full") { _, _ -> String in throw DatabaseError(resultCode: .SQLITE_FULL) }
        }
        try await TestServer().test(extraRoutes: routes) { client in
            let page = try await client.execute(uri: "/test-full", method: .get)
            #expect(page.status.code == 507)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("Nothing can be saved right now"))
            #expect(page.text.contains("free space on the server"))
        }
    }
}
