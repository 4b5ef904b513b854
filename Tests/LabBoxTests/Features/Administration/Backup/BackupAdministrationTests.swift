import Foundation
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import Testing

/// The backups page and API: admins start, list, download and verify backups.
@Suite struct BackupAdministrationTests {
    @Test func adminsStartListDownloadAndVerifyBackupsFromTheWeb() async throws {
        let server = try TestServer()
        try await addSamples(server, 3, prefix: "W")
        let admin = try await server.signIn(.admin)
        let key = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                let empty = try await client.send(.get, "/admin/backups", session: admin).text
                #expect(empty.contains("No backup yet"))
                let start = try await client.send(.post, "/admin/backups", session: admin)
                #expect(start.status == .seeOther)
                let jobPath = try #require(start.headers[.location])
                let id = try #require(Int(jobPath.split(separator: "/").last ?? ""))
                let job = try await waitForJob(client, id, auth: key)
                #expect(job["state"] as? String == "succeeded")
                let list = try await client.send(.get, "/api/v1/backups", auth: key).json()
                let name = try #require((list["items"] as? [[String: Any]])?.first?["name"] as? String)
                let download = try await client.send(.get, "/api/v1/backups/\(name)", auth: key)
                #expect(download.status == .ok)
                #expect(Array(download.body.readableBytesView.prefix(2)) == [0x1F, 0x8B])
                #expect(try await client.send(.get, "/api/v1/backups/..%2Flabbox.db", auth: key).status == .notFound)
                let verify = try await client.send(.post, "/api/v1/backups/\(name)/verify", auth: key)
                #expect(verify.status == .accepted)
                let verified = try await waitForJob(client, try #require(try verify.json()["id"] as? Int), auth: key)
                #expect(verified["state"] as? String == "succeeded")
                #expect((verified["result"] as? [String: String])?["integrity"] == "ok")
                let health = try await client.send(.get, "/admin/health", session: admin).text
                #expect(health.contains("All good"))
                #expect(health.contains(name))
            }
        }
    }
}
