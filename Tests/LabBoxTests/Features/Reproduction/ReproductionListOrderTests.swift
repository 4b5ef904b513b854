import Foundation
import HummingbirdTesting
import LabBoxServer
import Testing

/// Lists that say "newest first" are in the order of their record's day, not of their entry: a
/// batch entered late still sorts by the day it was fertilised (issue 25).
@Suite struct ReproductionListOrderTests {
    @Test func sessionsAndBatchesAreNewestDayFirst() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(TestServer.reproductionScopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let donor = try await client.newAnimal(auth: key, name: "Daisy")
            let sire = try await client.newAnimal(auth: key, name: "Bruno", sex: "male")
            // Entered in this order; the February session (and its batch) comes last.
            var sessions: [Int] = []
            for day in ["2026-03-01", "2026-01-14", "2026-02-10"] {
                let opu = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key,
                    ["donor_id": donor, "performed_on": day, "follicles": 6, "oocytes": 4, "grade_1": 4])
                sessions.append(try #require(opu["id"] as? Int))
            }
            for (session, day) in zip(sessions, ["2026-03-02", "2026-01-15", "2026-02-11"]) {
                _ = try await client.postJSON(
                    "/api/v1/ivf-batches", auth: key,
                    ["oocytes_from": [["opu_id": session]], "sire_id": sire, "fertilised_on": day])
            }
            let listed = try await client.send(.get, "/api/v1/opu-sessions", auth: key).json()
            let days = (listed["items"] as? [[String: Any]])?.map { $0["performed_on"] as? String }
            #expect(days == ["2026-03-01", "2026-02-10", "2026-01-14"])
            // Paged one at a time, the cursor follows the same order.
            let first = try await client.send(.get, "/api/v1/ivf-batches?limit=1", auth: key).json()
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.send(.get, "/api/v1/ivf-batches?limit=1&cursor=\(cursor)", auth: key).json()
            #expect((first["items"] as? [[String: Any]])?.first?["fertilised_on"] as? String == "2026-03-02")
            #expect((second["items"] as? [[String: Any]])?.first?["fertilised_on"] as? String == "2026-02-11")
            let page = try await client.send(.get, "/reproduction?tab=batches", session: director).text
            let march = try #require(page.range(of: "2026-03-02"))
            let february = try #require(page.range(of: "2026-02-11"))
            let january = try #require(page.range(of: "2026-01-15"))
            #expect(march.lowerBound < february.lowerBound && february.lowerBound < january.lowerBound)
        }
    }
}
