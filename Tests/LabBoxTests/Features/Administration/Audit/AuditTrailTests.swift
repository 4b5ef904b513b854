import Administration
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

/// The audit trail's pages and API: search, verify and export, for admins and auditors only.
@Suite struct AuditTrailTests {
    @Test func searchPagesByCursorAndExportsReverify() async throws {
        let (server, _) = try await serverWithSamples(7)
        let auditor = try await server.apiKey(["audit:read"])
        try await server.test { client in
            var seqs: [Int] = []
            var cursor: String?
            repeat {
                let page = try await client.send(
                    .get, "/api/v1/audit?entity_type=sample&limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""),
                    auth: auditor)
                #expect(page.status == .ok)
                let json = try page.json()
                seqs += try #require(json["items"] as? [[String: Any]]).compactMap { $0["seq"] as? Int }
                cursor = json["next_cursor"] as? String
            } while cursor != nil
            #expect(seqs.count == 7)
            #expect(seqs == seqs.sorted(by: >))

            let filtered = try await client.send(.get, "/api/v1/audit?action=security.*", auth: auditor)
            let actions = try #require(try filtered.json()["items"] as? [[String: Any]]).compactMap {
                $0["action"] as? String
            }
            #expect(!actions.isEmpty && actions.allSatisfy { $0.hasPrefix("security.") })
            let bad = try await client.send(.get, "/api/v1/audit?from=someday", auth: auditor)
            #expect(try bad.apiError()["field"] as? String == "from")

            // The JSON export of the whole trail recomputes, link by link, to the verified head.
            let export = try await client.send(.get, "/api/v1/audit/export?format=json", auth: auditor)
            #expect(export.status == .ok)
            let events = try JSONDecoder().decode(Export.self, from: Data(export.text.utf8)).events
            var previous = AuditEvent.genesisHash
            for event in events {
                #expect(event.prevHash == previous)
                #expect(event.computedHash == event.hash)
                previous = event.hash
            }
            #expect(previous == (try await server.verifyAudit()).headHash)

            let csv = try await client.send(.get, "/api/v1/audit/export?format=csv&entity_type=sample", auth: auditor)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == Substring(AuditExport.fields.joined(separator: ",")))
            #expect(lines.count == 8)

            let verify = try await client.send(.get, "/api/v1/audit/verify", auth: auditor)
            #expect(try verify.json()["intact"] as? Bool == true)
        }
    }

    private struct Export: Decodable { let events: [AuditEvent] }

    @Test func onlyAdminsAndAuditorsReadTheTrail() async throws {
        let server = try TestServer()
        try await server.test { client in
            for (role, allowed) in [(Role.admin, true), (.auditor, true), (.director, false), (.technician, false)] {
                let session = try await server.signIn(role)
                let page = try await client.execute(uri: "/admin/audit", method: .get, headers: session.headers)
                #expect(page.status == (allowed ? .ok : .forbidden), "\(role)")
            }
        }
    }
}
