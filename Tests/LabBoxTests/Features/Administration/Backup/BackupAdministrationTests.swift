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

    @Test func thePageSaysWhetherBackupsAreEncryptedAndTheJobsUseTheKey() async throws {
        let plain = try TestServer()
        let plainAdmin = try await plain.signIn(.admin)
        try await plain.test { client in
            let page = try await client.send(.get, "/admin/backups", session: plainAdmin).text
            #expect(page.contains("Not encrypted"))
            #expect(page.contains("backup.encryption_key_file"))
        }

        let keys = try TemporaryDirectory()
        let (keyPath, backupKey) = try EncryptedBackupTests.keyFile(in: keys.path)
        let server = try TestServer { $0.backupKey = backupKey }
        try await addSamples(server, 3, prefix: "E")
        let admin = try await server.signIn(.admin)
        let key = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                let page = try await client.send(.get, "/admin/backups", session: admin).text
                #expect(page.contains("New backups are encrypted"))
                #expect(!page.contains("Not encrypted"))
                #expect(page.contains("<code>\(backupKey.fingerprint)</code>"))
                let secret = try String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(in: .newlines)
                #expect(!page.contains(secret))
                #expect(!page.contains(String(secret.prefix(12))))

                // The admin's button and the nightly schedule run the same `backup` job.
                let start = try await client.send(.post, "/admin/backups", session: admin)
                let id = try #require(Int((start.headers[.location] ?? "").split(separator: "/").last ?? ""))
                #expect(try await waitForJob(client, id, auth: key)["state"] as? String == "succeeded")
                let list = try await client.send(.get, "/api/v1/backups", auth: key).json()
                let item = try #require((list["items"] as? [[String: Any]])?.first)
                let name = try #require(item["name"] as? String)
                #expect(name.hasSuffix(".tar.gz.enc"))
                #expect(item["encrypted"] as? Bool == true)
                let download = try await client.send(.get, "/api/v1/backups/\(name)", auth: key)
                #expect(download.status == .ok)
                #expect(Array(download.body.readableBytesView.prefix(16)) == Array("LabBoxBackupEnc1".utf8))
                let verify = try await client.send(.post, "/api/v1/backups/\(name)/verify", auth: key)
                let verified = try await waitForJob(client, try #require(try verify.json()["id"] as? Int), auth: key)
                #expect(verified["state"] as? String == "succeeded")
                #expect((verified["result"] as? [String: String])?["archive"]?.contains(backupKey.fingerprint) == true)
                let listed = try await client.send(.get, "/admin/backups", session: admin).text
                #expect(listed.contains(name))
            }
        }
    }
}
