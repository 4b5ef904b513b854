import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct EmbryoTests {
    @Test func regradingAndDiscardingNeedAReason() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(TestServer.reproductionScopes)
        try await server.test { client in
            let donor = try await client.newAnimal(auth: key, name: "Daisy")
            let sire = try await client.newAnimal(auth: key, name: "Bruno", sex: "male")
            let flushed = try #require(
                try await client.postJSON(
                    "/api/v1/embryos", auth: key,
                    ["donor_id": donor, "sire_id": sire, "day": 7, "embryos": [["stage": 6, "grade": 2]]]
                )["items"] as? [[String: Any]])
            let id = try #require(flushed.first?["id"] as? Int)
            #expect(flushed.first?["origin"] as? String == "in_vivo")
            let unreasoned = try await client.send(.patch, "/api/v1/embryos/\(id)", auth: key, json: ["grade": 1])
            #expect(try unreasoned.apiError()["field"] as? String == "reason")
            let regraded = try await client.send(
                .patch, "/api/v1/embryos/\(id)", auth: key, json: ["grade": 1, "reason": "re-read at 40x"])
            #expect(try regraded.json()["grade"] as? Int == 1)
            _ = try await client.postJSON(
                "/api/v1/embryos/\(id)/discard", auth: key, [:], expect: .unprocessableContent)
            let discarded = try await client.send(
                .post, "/api/v1/embryos/\(id)/discard", auth: key, json: ["reason": "degenerated overnight"])
            #expect(try discarded.json()["fate"] as? String == "discarded")
        }
    }
}
