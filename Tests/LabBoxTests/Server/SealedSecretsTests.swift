import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxPlatform
import LabBoxServer
import Testing

/// Token-signing keys and TOTP secrets are sealed with the data directory's `secrets.key`, which
/// no backup holds: a copied database yields no working credential (issue 20, M4).
@Suite struct SealedSecretsTests {
    private func accessToken(_ client: some TestClientProtocol) async throws -> String {
        let response = try await client.execute(
            uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"email":"auditor@lab.example","password":"correct horse battery staple"}"#))
        #expect(response.status == .ok)
        return try #require(try response.json()["access_token"] as? String)
    }

    private func me(_ client: some TestClientProtocol, _ token: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            .status
    }

    @Test func aCopiedDatabaseYieldsNoWorkingTokenOrSecondFactor() async throws {
        let original = try TestServer()
        _ = try await original.user(.auditor)
        let director = try await original.user(.director)
        let totp = TwoFactor.newSecret()
        let sealed = try TwoFactor.sealed(totp, userID: director.id, secrets: original.services.database.secrets)
        try await original.services.database.write { db in
            try db.execute(sql: "UPDATE users SET totp_secret = ? WHERE id = ?", arguments: [sealed, director.id])
        }
        let token = try await original.test { client in
            let token = try await accessToken(client)
            #expect(try await me(client, token) == .ok)
            return token
        }
        let thief = try TemporaryDirectory()
        let copy = thief.path + "/labbox.db"
        try await original.services.database.read(singleStatement: true) {
            try $0.execute(sql: "VACUUM INTO ?", arguments: [copy])
        }
        let stored = try await DatabaseQueue(path: copy).read { db in
            try String.fetchAll(db, sql: "SELECT secret FROM signing_keys")
        }
        #expect(stored.count == 1)
        for secret in stored {
            #expect(AccessToken.verify(token, secret: secret) == nil, "the stored key must not sign tokens")
        }
        let file = try Data(contentsOf: URL(fileURLWithPath: copy))
        #expect(file.range(of: Data(totp.utf8)) == nil, "the TOTP secret must not be in the file")

        let elsewhere = try TestServer(directory: thief)
        try await elsewhere.test { client in
            let copiedToken = try await me(client, token)
            #expect(copiedToken == .unauthorized)
            // The copy still works as a database: a new key is made for new tokens.
            let fresh = try await me(client, try await accessToken(client))
            #expect(fresh == .ok)
        }
        let copied = try #require(try await elsewhere.services.identity.users.user(id: director.id ?? 0))
        #expect(TwoFactor.secret(of: copied, secrets: elsewhere.services.database.secrets) == nil)
        #expect(TwoFactor.secret(of: copied, secrets: original.services.database.secrets) == totp)
    }

    @Test func aSealedValueOpensOnlyForItsOwnRow() throws {
        let directory = try TemporaryDirectory()
        let box = try SecretBox.load(directory: URL(fileURLWithPath: directory.path))
        let sealed = try box.seal("secret", context: "users.totp_secret:1")
        #expect(box.open(sealed, context: "users.totp_secret:1") == "secret")
        #expect(box.open(sealed, context: "users.totp_secret:2") == nil)
        #expect(box.open("secret", context: "users.totp_secret:1") == nil)
        let again = try SecretBox.load(directory: URL(fileURLWithPath: directory.path))
        #expect(again.open(sealed, context: "users.totp_secret:1") == "secret", "the key file is reused")
        let mode =
            try FileManager.default.attributesOfItem(atPath: directory.path + "/" + SecretBox.fileName)[
                .posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func rotationRetiresReplacedKeysAfterTheLongestTokenLifetime() async throws {
        let server = try TestServer()
        _ = try await server.user(.auditor)
        let database = server.services.database
        try await server.test { client in
            let old = try await accessToken(client)
            let first = try await database.write {
                try TokenService.rotate($0, secrets: database.secrets, event: .commandLine)
            }
            let retiring = try await database.read { db in
                try Date.fetchOne(db, sql: "SELECT retires_at FROM signing_keys ORDER BY id LIMIT 1")
            }
            let lifetime = try #require(retiring).timeIntervalSinceNow
            #expect(abs(lifetime - TokenService.accessLifetime) < 60)
            #expect(try await TokenService(database: database).userID(accessToken: old) != nil)

            // Fifteen minutes later: the replaced key no longer verifies what it signed.
            try await database.write { db in
                try db.execute(
                    sql: "UPDATE signing_keys SET retires_at = ? WHERE kid <> ?", arguments: [Date(), first])
            }
            #expect(try await TokenService(database: database).userID(accessToken: old) == nil)
            let new = try await accessToken(client)
            #expect(try await TokenService(database: database).userID(accessToken: new) != nil)

            // The next rotation deletes it and says so in the audit trail.
            _ = try await database.write { try TokenService.rotate($0, secrets: database.secrets, event: .commandLine) }
            let left = try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM signing_keys") }
            #expect(left == 2)
            let deleted = try await database.read { db in
                try String.fetchOne(
                    db,
                    sql:
                        "SELECT json_extract(after, '$.deleted') FROM audit_events WHERE action = 'signing_key.rotate' ORDER BY seq DESC LIMIT 1"
                )
            }
            #expect(deleted?.isEmpty == false)
        }
    }

    @Test func plainSecondFactorSecretsFromOlderReleasesAreSealedOnce() async throws {
        let server = try TestServer()
        let director = try await server.user(.director)
        let database = server.services.database
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET totp_secret = 'PLAINSECRET' WHERE id = ?", arguments: [director.id])
        }
        let sealed = try await database.write { try TwoFactor.sealPlainSecrets($0, secrets: database.secrets) }
        #expect(sealed == 1)
        let user = try #require(try await server.services.identity.users.user(id: director.id ?? 0))
        #expect(SecretBox.isSealed(user.totpSecret ?? ""))
        #expect(TwoFactor.secret(of: user, secrets: database.secrets) == "PLAINSECRET")
        #expect(try await database.write { try TwoFactor.sealPlainSecrets($0, secrets: database.secrets) } == 0)
    }
}
