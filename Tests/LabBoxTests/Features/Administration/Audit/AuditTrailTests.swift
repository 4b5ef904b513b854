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
        }
    }

    /// Verification is a job: the API queues it, its result is the job's; a second start while it
    /// waits follows the same job. (The test's keys have no owner, so only an admin key can follow
    /// a job.)
    @Test func theAPIVerifiesTheChainAsAJob() async throws {
        let (server, _) = try await serverWithSamples(3)
        let auditor = try await server.apiKey(["audit:read"])
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            #expect(try await client.send(.post, "/api/v1/audit/verify", auth: auditor).status == .accepted)
            let start = try await client.send(.post, "/api/v1/audit/verify", auth: admin)
            #expect(start.status == .accepted)
            let id = try #require(try start.json()["id"] as? Int)
            #expect(try start.json()["type"] as? String == "audit.verify")
            let again = try await client.send(.post, "/api/v1/audit/verify", auth: admin)
            #expect(try again.json()["id"] as? Int == id)
            try await withJobRunner(server) {
                let job = try await waitForJob(client, id, auth: admin)
                #expect(job["state"] as? String == "succeeded")
                let result = try #require(job["result"] as? [String: String])
                #expect(result["intact"] == "true")
                #expect(result["head_hash"] == (try await server.verifyAudit()).headHash)
            }
            let next = try await client.send(.post, "/api/v1/audit/verify", auth: admin)
            #expect(try next.json()["id"] as? Int != id)
        }
    }

    /// The page starts the job and hands over to its progress bar, then shows the last result to
    /// everyone with the trail; a broken chain fails the job and the page says so.
    @Test func thePageStartsAVerificationAndShowsTheLastResult() async throws {
        let (server, _) = try await serverWithSamples(3)
        let admin = try await server.signIn(.admin)
        let auditor = try await server.signIn(.auditor)
        let key = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                #expect(try await client.send(.get, "/admin/audit", session: auditor).text.contains("Not verified yet"))
                let start = try await client.send(.post, "/admin/audit/verify", session: admin)
                #expect(start.status == .seeOther)
                let jobPath = try #require(start.headers[.location])
                #expect(jobPath.hasPrefix("/jobs/"))
                let id = try #require(Int(jobPath.split(separator: "/").last ?? ""))
                _ = try await waitForJob(client, id, auth: key)
                let page = try await client.send(.get, "/admin/audit", session: auditor).text
                #expect(page.contains("Audit chain intact") && page.contains("events verified"))
                #expect(!page.contains("href=\"/jobs/\(id)\""))  // the admin's job, not the auditor's
                #expect(try await client.send(.get, "/admin/audit", session: admin).text.contains("/jobs/\(id)"))

                try await server.services.database.write { db in
                    try db.execute(sql: "DROP TRIGGER audit_events_append_only_update")
                    try db.execute(sql: "UPDATE audit_events SET reason = 'forged' WHERE seq = 2")
                }
                let broken = try await client.send(.post, "/admin/audit/verify", session: auditor)
                let brokenID = try #require(Int(broken.headers[.location]?.split(separator: "/").last ?? ""))
                #expect(brokenID != id)
                let failed = try await waitForJob(client, brokenID, auth: key)
                #expect(failed["state"] as? String == "failed")
                #expect((failed["error"] as? String)?.contains("broken at event 2") == true)
                let after = try await client.send(.get, "/admin/audit", session: auditor).text
                #expect(after.contains("Audit chain not verified") && after.contains("broken at event 2"))
                #expect(after.contains("href=\"/jobs/\(brokenID)\""))
            }
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
