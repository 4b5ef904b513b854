import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// What an API key may never do, whatever its scopes: act on its owner's account (issue 20, M1),
/// or more than its owner's current role allows (M2).
@Suite struct KeyLimitsTests {
    /// A key whose holder is not its owner: enabling 2FA with a secret the holder knows, minting a
    /// key that never expires or ending the owner's sessions would take the account over.
    @Test func aKeyCannotManageItsOwnersAccount() async throws {
        let server = try TestServer()
        let admin = try await server.user(.admin)
        let key = try await server.services.identity.apiKeys.create(
            name: "integration", scopes: ["admin"], owner: admin, expiresAt: nil, by: nil, event: .commandLine)
        let headers: HTTPFields = [.authorization: "Bearer " + key.secret, .contentType: "application/json"]
        let session = try await server.signIn(.admin)
        try await server.test { client in
            let attempts: [(HTTPRequest.Method, String, String)] = [
                (.post, "/api/v1/apikeys", #"{"name":"forever","scopes":["admin"]}"#),
                (.get, "/api/v1/apikeys", ""),
                (.delete, "/api/v1/apikeys/\(key.key.id ?? 0)", ""),
                (.get, "/account/2fa", ""),
                (.post, "/account/2fa/enable", "secret=JBSWY3DPEHPK3PXP&code=123456"),
                (.post, "/account/2fa/disable", "password=x"),
                (.post, "/account/password", "current=x&new=y"),
                (.get, "/account/sessions", ""),
                (.post, "/account/sessions/1/revoke", ""),
                (.post, "/account/keys", "name=forever&scopes=admin"),
            ]
            for (method, uri, body) in attempts {
                let response = try await client.execute(
                    uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .forbidden, "\(method) \(uri) → \(response.status)")
            }
            // The key still does what its scope grants, and the person still manages the account.
            #expect(try await client.execute(uri: "/api/v1/users", method: .get, headers: headers).status == .ok)
            #expect(
                try await client.execute(uri: "/account/keys", method: .get, headers: session.headers).status == .ok)
        }
        let keys = try await server.services.identity.apiKeys.list(ownedBy: nil)
        #expect(keys.count == 1 && keys.first?.revokedAt == nil)
    }

    /// Demoting a key's owner takes the key's excess scopes away at once; disabling the owner ends
    /// the key.
    @Test func aKeyNeverExceedsItsOwnersCurrentRole() async throws {
        let server = try TestServer()
        let admin = try await server.user(.admin)
        let director = try await server.user(.director)
        let key = try await server.services.identity.apiKeys.create(
            name: "bench", scopes: ["samples:read", "samples:write"], owner: director, expiresAt: nil, by: nil,
            event: .commandLine)
        let headers: HTTPFields = [.authorization: "Bearer " + key.secret, .contentType: "application/json"]
        let sample = #"{"external_id":"K-1","species":"bovine","kind":"semen","collected_at":"2026-01-05T10:00:00Z"}"#
        let actor = admin.principal
        try await server.test { client in
            let before = try await client.execute(
                uri: "/api/v1/samples", method: .post, headers: headers, body: ByteBuffer(string: sample))
            #expect(before.status == .created)

            _ = try await server.services.identity.users.update(
                id: try #require(director.id), role: .auditor, status: nil, by: actor, event: .commandLine)
            let write = try await client.execute(
                uri: "/api/v1/samples", method: .post, headers: headers,
                body: ByteBuffer(string: sample.replacingOccurrences(of: "K-1", with: "K-2")))
            #expect(write.status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/samples", method: .get, headers: headers).status == .ok)

            _ = try await server.services.identity.users.update(
                id: try #require(director.id), role: nil, status: .disabled, by: actor, event: .commandLine)
            #expect(
                try await client.execute(uri: "/api/v1/samples", method: .get, headers: headers).status
                    == .unauthorized)
        }
    }

    /// Acting through one's own key does not make one a second person: the key's owner cannot
    /// witness what the key does (issue 20, Low).
    @Test func aKeysOwnerCannotWitnessWhatTheKeyDoes() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        let director = try await server.user(.director)
        let key = try await server.services.identity.apiKeys.create(
            name: "bench", scopes: ["samples:read", "samples:write"], owner: technician, expiresAt: nil, by: nil,
            event: .commandLine)
        let headers: HTTPFields = [.authorization: "Bearer " + key.secret, .contentType: "application/json"]
        try await server.test { client in
            let created = try await client.execute(
                uri: "/api/v1/samples", method: .post, headers: headers,
                body: ByteBuffer(
                    string:
                        #"{"external_id":"W-1","species":"bovine","kind":"semen","collected_at":"2026-01-05T10:00:00Z"}"#
                ))
            let id = try #require(try created.json()["id"] as? Int)
            func discard(witnessedBy email: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/samples/\(id)", method: .patch, headers: headers,
                    body: ByteBuffer(
                        string:
                            #"{"status":"discarded","reason":"contaminated","witness":{"email":"\#(email)","password":"\#(TestServer.password)"}}"#
                    ))
            }
            let ownWitness = try await discard(witnessedBy: technician.email)
            #expect(ownWitness.status == .unprocessableContent)
            #expect(try ownWitness.apiError()["field"] as? String == "witness")
            #expect(try await discard(witnessedBy: director.email).status == .ok)
        }
    }
}
