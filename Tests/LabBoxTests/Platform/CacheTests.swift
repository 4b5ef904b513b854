import Customers
import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Synchronization
import Testing

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

@Suite struct CacheTests {
    @Test func theLeastRecentlyUsedEntryGoesFirstWhenEntriesOrBytesRunOut() async throws {
        let cache = Cache(limits: .init(maxEntries: 3, maxBytes: 1000))
        for key in ["a", "b", "c"] { _ = try await cache.value(key, ttl: .seconds(60), cost: 100) { key } }
        _ = try await cache.value("a", ttl: .seconds(60)) { "reloaded" }
        _ = try await cache.value("d", ttl: .seconds(60), cost: 100) { "d" }
        #expect(try await cache.value("a", ttl: .seconds(60)) { "reloaded" } == "a")
        #expect(try await cache.value("b", ttl: .seconds(60), cost: 100) { "b again" } == "b again")
        #expect(cache.stats.evictions == 2)
        _ = try await cache.value("big", ttl: .seconds(60), cost: 900) { "big" }
        #expect(cache.stats.bytes <= 1000)
        #expect(cache.stats.entries < 3)
    }

    @Test func entriesExpireAndInvalidateByKeyTagAndPrefix() async throws {
        let cache = Cache(limits: .init(maxEntries: 100, maxBytes: 1 << 20))
        _ = try await cache.value("short", ttl: .milliseconds(30)) { 1 }
        try await Task.sleep(for: .milliseconds(60))
        #expect(try await cache.value("short", ttl: .seconds(60)) { 2 } == 2)
        _ = try await cache.value("user:1:profile", tags: ["table:users"], ttl: .seconds(60)) { 1 }
        _ = try await cache.value("user:1:keys", ttl: .seconds(60)) { 1 }
        _ = try await cache.value("other", tags: ["table:samples"], ttl: .seconds(60)) { 1 }
        // A hit moves the entry in the recency order; its tags still invalidate it.
        #expect(try await cache.value("user:1:profile", ttl: .seconds(60)) { 9 } == 1)
        cache.invalidate(tags: ["table:users"])
        #expect(try await cache.value("user:1:profile", ttl: .seconds(60)) { 2 } == 2)
        #expect(try await cache.value("user:1:keys", ttl: .seconds(60)) { 2 } == 1)
        cache.invalidate(prefix: "user:1:")
        #expect(try await cache.value("user:1:keys", ttl: .seconds(60)) { 3 } == 3)
        cache.invalidate(key: "other")
        #expect(try await cache.value("other", ttl: .seconds(60)) { 4 } == 4)
    }

    @Test func aBurstOfMissesLoadsOnce() async throws {
        let cache = Cache(limits: .init(maxEntries: 100, maxBytes: 1 << 20))
        let loads = Counter()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.value("slow", ttl: .seconds(60)) {
                        loads.value.add(1, ordering: .relaxed)
                        try await Task.sleep(for: .milliseconds(100))
                        return 7
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 7, count: 50))
        #expect(loads.value.load(ordering: .relaxed) == 1)
    }

    @Test func aLoadOverlappedByAnInvalidationIsNotKept() async throws {
        let cache = Cache(limits: .init(maxEntries: 100, maxBytes: 1 << 20))
        let value = try await cache.value("count", tags: ["table:samples"], ttl: .seconds(60)) {
            cache.invalidate(tags: ["table:samples"])
            return "read before the write committed"
        }
        #expect(value == "read before the write committed")
        #expect(try await cache.value("count", ttl: .seconds(60)) { "fresh" } == "fresh")
        // Writes to other tables meanwhile do not stop a load from being kept.
        _ = try await cache.value("animals", tags: ["table:animals"], ttl: .seconds(60)) {
            cache.invalidate(tags: ["table:samples", "table:jobs"])
            return 1
        }
        #expect(try await cache.value("animals", ttl: .seconds(60)) { 2 } == 1)
    }

    @Test func aCommittedWriteInvalidatesTheTablesItChanged() async throws {
        let server = try TestServer()
        let database = server.services.database
        let count = { @Sendable in
            try await database.cache.value("customers", tags: [TableInvalidation.tag("customers")], ttl: .seconds(600))
            {
                try await database.read { try Customer.fetchCount($0) }
            }
        }
        #expect(try await count() == 0)
        try await database.write { db in
            try db.execute(
                sql:
                    "INSERT INTO customers (kind, name, created_at, updated_at) VALUES ('person', 'Raw', '2026-01-01', '2026-01-01')"
            )
        }
        #expect(try await count() == 1)
        try? await database.write { db in
            try db.execute(sql: "DELETE FROM customers")
            throw CancellationError()
        }
        #expect(try await count() == 1)
        #expect(database.cache.stats.misses >= 2)
    }

    @Test func revokedKeysAndNewSamplesShowAtOnceThroughTheAPI() async throws {
        let server = try TestServer()
        let created = try await server.services.identity.apiKeys.create(
            name: "cached", scopes: ["admin"], owner: nil, expiresAt: nil, by: nil, event: .commandLine)
        let key = "Bearer " + created.secret
        let session = try await server.signIn(.director)
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            #expect(try await client.send(.get, "/api/v1/auth/me", auth: key).status == .ok)
            #expect(try await client.send(.get, "/api/v1/auth/me", auth: key).status == .ok)
            let home = try await client.send(.get, "/", session: session).text
            #expect(home.contains("aria-label=\"received: 0 samples\""))
            #expect(
                try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody()).status
                    == .created)
            let after = try await client.send(.get, "/", session: session).text
            #expect(after.contains("aria-label=\"received: 1 samples\""))

            // A key never manages keys, its own included: an admin revokes it.
            #expect(
                try await client.send(.delete, "/api/v1/apikeys/\(created.key.id ?? 0)", session: admin).status
                    == .noContent)
            #expect(try await client.send(.get, "/api/v1/auth/me", auth: key).status == .unauthorized)

            let metrics = try await client.send(.get, "/metrics").text
            #expect(metrics.contains("labbox_cache_hits_total"))
            #expect(metrics.contains("labbox_cache_misses_total"))
            let health = try await client.send(.get, "/api/v1/health", session: session)
            #expect(health.status == .forbidden)
        }
    }

    @Test func aStartingServerWarmsTheHomePageFigures() async throws {
        let directory = try TemporaryDirectory()
        let server = try RunningServer(directory: directory.path, arguments: ["--data", directory.path])
        defer { _ = server.terminate() }
        let entries = try await poll { () async throws -> Double? in
            let (_, metrics) = try await server.get("/metrics")
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("labbox_cache_entries ") }
            let entries = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            return entries > 0 ? entries : nil
        }
        #expect((entries ?? 0) >= 1)
    }
}
