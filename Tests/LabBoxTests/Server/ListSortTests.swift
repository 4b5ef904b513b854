import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// `sort` and the keyset cursor of every paged list (ListQuery), stated on two lists.
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
            #expect(forged.status == .unprocessableContent)
        }
    }
}
