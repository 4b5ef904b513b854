import Biobank
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

/// The sample pages' forms.
@Suite struct SamplePagesTests {
    @Test func aSampleFormWithoutAReasonIsShownAgainWithTheMessage() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        let key = try await server.apiKey(["samples:write"])
        try await server.test { client in
            let created = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            let id = try #require(try created.json()["id"] as? Int)
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let form = try await client.execute(
                uri: "/samples/\(id)", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(session.csrf)&status=stored&notes=&reason="))
            #expect(form.status == .unprocessableContent)
            #expect(form.text.contains("Give a reason for this change."))
            let sample = try await server.services.database.read { try Sample.fetchOne($0, key: Int64(id)) }
            #expect(sample?.status == .received)
        }
    }

    @Test func theCollectedTimeIsTypedAndShownOnTheLabsClock() async throws {
        let server = try TestServer { $0.labTime = LabTime(zone: TimeZone(identifier: "America/Chicago")!) }
        let session = try await server.signIn(.technician)
        try await server.test { client in
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let created = try await client.execute(
                uri: "/samples", method: .post, headers: headers,
                body: ByteBuffer(
                    string:
                        "_csrf=\(session.csrf)&external_id=CHI-1&species=bovine&kind=semen&collected_at=2026-01-15T12:00"
                ))
            #expect(created.status == .seeOther, "\(created.text)")
            let sample = try #require(
                try await server.services.database.read {
                    try Sample.filter(Sample.CodingKeys.externalId == "CHI-1").fetchOne($0)
                })
            // Noon in Chicago (CST, UTC−6) is 18:00 UTC, and the edit form shows noon again.
            #expect(sample.collectedAt.databaseText == "2026-01-15 18:00:00.000")
            let edit = try await client.execute(
                uri: "/samples/\(sample.id ?? 0)", method: .get, headers: session.headers)
            #expect(edit.text.contains("value=\"2026-01-15T12:00\""))
        }
    }
}
