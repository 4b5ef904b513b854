import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxPlatform
import LabBoxServer
import Testing

/// A job is seen, and its result fetched, only with its kind's permission. Found in review (issue
/// 20, H2): an administrator's `samples:read` API key listed the administrator's backup job and
/// downloaded the archive, password hashes and signing keys included.
@Suite struct JobVisibilityTests {
    @Test func aKeyWithoutTheKindsPermissionDoesNotSeeItsOwnersBackups() async throws {
        let server = try TestServer()
        let admin = try await server.user(.admin)
        let keys = server.services.identity.apiKeys
        let reader = try await keys.create(
            name: "reader", scopes: ["samples:read"], owner: admin, expiresAt: nil, by: nil, event: .commandLine)
        let full = try await keys.create(
            name: "full", scopes: ["admin"], owner: admin, expiresAt: nil, by: nil, event: .commandLine)
        let backup = try await server.services.jobs.enqueue("backup", by: admin.id, context: .commandLine)
        let export = try await server.services.jobs.enqueue("samples.export", by: admin.id, context: .commandLine)
        let (backupID, exportID) = (Int(backup.id ?? 0), Int(export.id ?? 0))

        try await server.test { client in
            let get: @Sendable (String, String) async throws -> TestResponse = { path, secret in
                try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer " + secret])
            }
            let listed: @Sendable (String) async throws -> Set<Int> = { secret in
                let items = try await get("/api/v1/jobs", secret).json()["items"] as? [[String: Any]] ?? []
                return Set(items.compactMap { $0["id"] as? Int })
            }
            let seenByReader = try await listed(reader.secret)
            #expect(seenByReader == [exportID])
            let backupByReader = try await get("/api/v1/jobs/\(backupID)", reader.secret).status
            #expect(backupByReader == .notFound)
            let resultByReader = try await get("/api/v1/jobs/\(backupID)/result", reader.secret).status
            #expect(resultByReader == .notFound)
            let exportByReader = try await get("/api/v1/jobs/\(exportID)", reader.secret).status
            #expect(exportByReader == .ok)

            let seenByFull = try await listed(full.secret)
            #expect(seenByFull == [backupID, exportID])
            let backupByFull = try await get("/api/v1/jobs/\(backupID)", full.secret).status
            #expect(backupByFull == .ok)
        }
    }
}
