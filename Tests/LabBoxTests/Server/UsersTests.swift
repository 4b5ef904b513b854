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

    /// A JSON null where the document says a role or a boolean is a wrong type, not "unchanged"
    /// (issue 20: the API fuzz run found `{"role": null}` answered 200).
    @Test func aNullInAChangeIsRefusedNotIgnored() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        let technician = try await server.user(.technician)
        let id = try #require(technician.id)
        try await server.test { client in
            let role = try await client.send(.patch, "/api/v1/users/\(id)", auth: key, json: ["role": NSNull()])
            #expect(role.status == .badRequest)
            #expect(try role.apiError()["field"] as? String == "role")
            let schedule = try await client.send(
                .patch, "/api/v1/schedules/nightly_backup", auth: key, json: ["enabled": NSNull()])
            #expect(schedule.status == .badRequest)
            #expect(try schedule.apiError()["field"] as? String == "enabled")
        }
    }
}
