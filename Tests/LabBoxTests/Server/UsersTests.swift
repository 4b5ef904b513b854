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

@Suite struct UsersTests {
    @Test func userHistoryShowsChangesAndNoSecrets() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.admin)
        let technician = try await server.user(.technician)
        let id = try #require(technician.id)
        try await server.test { client in
            let changed = try await client.send(
                .patch, "/api/v1/users/\(id)", session: session, json: ["role": "director"])
            #expect(changed.status == .ok)
            let page = try await client.execute(uri: "/admin/users/\(id)", method: .get, headers: session.headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("admin@lab.example"))
            #expect(
                page.text.contains(
                    #"<span class="change-field">role</span> <del>technician</del> → <ins>director</ins>"#))
            #expect(!page.text.contains("password_hash") && !page.text.contains("$2"))
        }
        let snapshots = try await server.auditEvents().compactMap(\.after).joined()
        #expect(!snapshots.contains("password_hash") && !snapshots.contains(technician.passwordHash))
    }
}
