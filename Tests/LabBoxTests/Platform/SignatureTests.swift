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

@Suite struct SignatureTests {
    @Test func signingNeedsThePasswordAgainAndDetectsLaterChanges() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let director = try await server.signIn(.director)
        try await server.test { client in
            let id = try await client.newSample(auth: key)
            let wrong = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: director,
                json: ["meaning": "approved", "password": "not my password at all"])
            #expect(wrong.status == .unauthorized)
            #expect(try wrong.apiError()["field"] as? String == "password")
            let byKey = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", auth: key,
                json: ["meaning": "approved", "password": TestServer.password])
            #expect(byKey.status == .forbidden)
            #expect(try await client.signatureManifest(ofSample: id, auth: key).isEmpty)

            let signed = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: director,
                json: ["meaning": "approved", "password": TestServer.password])
            #expect(signed.status == .created)
            var lines = try await client.signatureManifest(ofSample: id, auth: key)
            #expect(lines.count == 1)
            #expect(lines.first?["signer"] as? String == Role.director.label)
            #expect(lines.first?["meaning"] as? String == "approved")
            #expect(lines.first?["matches_current_version"] as? Bool == true)

            let changed = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: key, json: ["notes": "relabelled", "reason": "label smudged"])
            #expect(changed.status == .ok)
            lines = try await client.signatureManifest(ofSample: id, auth: key)
            #expect(lines.first?["matches_current_version"] as? Bool == false)
        }
        // The signature is a link of the chain, naming the signer and the record version.
        let sign = try #require(try await server.auditEvents().first { $0.action == "sign" })
        #expect(sign.actorName == "director@lab.example")
        #expect(AuditValue.decode(sign.after)["meaning"] == .text("approved"))
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func aSignedRecordOfAnyTypeNeedsAReasonToChange() async throws {
        let server = try TestServer { $0.reasonRequired = [] }
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let id = try await client.newSample(auth: key)
            #expect(
                try await client.send(.patch, "/api/v1/samples/\(id)", auth: key, json: ["notes": "a"]).status == .ok)
            _ = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: technician,
                json: ["meaning": "performed", "password": TestServer.password])
            let unreasoned = try await client.send(.patch, "/api/v1/samples/\(id)", auth: key, json: ["notes": "b"])
            #expect(unreasoned.status == .unprocessableContent)
            #expect(try unreasoned.apiError()["field"] as? String == "reason")
        }
    }

    @Test func aWitnessCannotBeWhoPerformed() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let id = try await client.newSample(auth: key)
            _ = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: technician,
                json: ["meaning": "performed", "password": TestServer.password])
            let same = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: technician,
                json: ["meaning": "witnessed", "password": TestServer.password])
            #expect(same.status == .unprocessableContent)
            #expect(try same.apiError()["field"] as? String == "witness")
            // Another person witnesses at the same bench, with their own credentials.
            _ = try await server.user(.director)
            let other = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: technician,
                json: ["meaning": "witnessed", "email": "director@lab.example", "password": TestServer.password])
            #expect(other.status == .created)
            // Only a witness may sign from someone else's session.
            let approving = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: technician,
                json: ["meaning": "approved", "email": "director@lab.example", "password": TestServer.password])
            #expect(try approving.apiError()["field"] as? String == "email")
            #expect(
                try await client.signatureManifest(ofSample: id, auth: key).map { $0["meaning"] as? String } == [
                    "performed", "witnessed",
                ])
        }
    }

    @Test func signingNeedsTheAuthenticatorCodeWhenTwoFactorIsOn() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let director = try await server.signIn(.director)
        let secret = TwoFactor.newSecret()
        let directorID = try await server.user(.director).id
        let sealed = try TwoFactor.sealed(secret, userID: directorID, secrets: server.services.database.secrets)
        try await server.services.database.write { db in
            try db.execute(
                sql: "UPDATE users SET totp_secret = ?, totp_enabled = 1 WHERE id = ?", arguments: [sealed, directorID])
        }
        try await server.test { client in
            let id = try await client.newSample(auth: key)
            let noCode = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: director,
                json: ["meaning": "verified", "password": TestServer.password])
            #expect(noCode.status == .unauthorized)
            #expect(try noCode.apiError()["field"] as? String == "code")
            let code = String(format: "%06d", HummingbirdOTPCode.compute(secret: secret))
            let signed = try await client.send(
                .post, "/api/v1/samples/\(id)/signatures", session: director,
                json: ["meaning": "verified", "password": TestServer.password, "code": code])
            #expect(signed.status == .created)
        }
    }
}
