import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

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

    /// The document says q is required (issue 20: the API fuzz run found a search without it answered
    /// 200); an empty q is a query for nothing.
    @Test func anAPISearchWithoutQIsRefused() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read"])
        try await server.test { client in
            let missing = try await client.send(.get, "/api/v1/search", auth: key)
            #expect(missing.status == .badRequest)
            #expect(try missing.apiError()["field"] as? String == "q")
            let empty = try await client.send(.get, "/api/v1/search?q=", auth: key)
            #expect(empty.status == .ok)
        }
    }
}
