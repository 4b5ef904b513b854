import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Passwords (issue 20, M6 and Low): checks of a signed-in user's password are throttled, and a
/// password bcrypt would silently shorten is refused.
@Suite struct PasswordChecksTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// A stolen session could otherwise guess the password through "change password" at bcrypt's pace.
    @Test func guessingThroughPasswordChangeIsThrottled() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        var headers = session.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let requestHeaders = headers
        // Five a minute: whatever the pace of this machine, guesses meet a 429 within a few more.
        let statuses = try await server.test { client in
            var statuses: [Int] = []
            for guess in 0..<30 where statuses.last != 429 {
                let response = try await client.execute(
                    uri: "/account/password", method: .post, headers: requestHeaders,
                    body: ByteBuffer(string: "current_password=guess-number-\(guess)&new_password=a+new+lab+password"))
                statuses.append(response.status.code)
            }
            return statuses
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 422 }, "\(statuses)")
        #expect(statuses.last == 429 && statuses.count <= 10, "\(statuses)")
    }

    /// bcrypt reads 72 bytes and stops at a NUL: such passwords would protect less than they seem to.
    @Test func passwordsBcryptWouldShortenAreRefused() {
        let email = "someone@lab.example"
        #expect(PasswordPolicy.problem(with: String(repeating: "long lab phrase ", count: 5), email: email) != nil)
        #expect(PasswordPolicy.problem(with: "\u{0}a perfectly long password", email: email) != nil)
        #expect(PasswordPolicy.problem(with: "a perfectly long password", email: email) == nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "é", count: 36), email: email) == nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "é", count: 37), email: email) != nil)
    }

    /// A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or carriage return; a
    /// negative number stays a number.
    @Test func exportedCellsCannotRunAsFormulas() {
        for cell in ["=1+1", "+cmd", "-2+3|calc", "@SUM(A1)", "\tdanger", "\rdanger"] {
            #expect(CSVResponse.field(cell).hasPrefix("'") || CSVResponse.field(cell).hasPrefix("\"'"), "\(cell)")
        }
        #expect(CSVResponse.field("-3.5") == "-3.5")
        #expect(CSVResponse.field("plain") == "plain")
    }
}

/// Lockouts (issue 20, Low): failures decay, and wrong second-factor codes count like wrong passwords.
@Suite struct LockoutTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    private func signIn(_ client: some TestClientProtocol, _ email: String, _ password: String) async throws -> Int {
        try await client.execute(
            uri: "/api/v1/auth/token", method: .post, headers: Self.json,
            body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"}"#)
        ).status.code
    }

    /// Four typos a while ago and one today do not lock anyone out.
    @Test func oldFailuresDecay() async throws {
        let server = try TestServer { config in
            config.loginsPerMinute = 1000
        }
        let user = try await server.user(.technician)
        try await server.test { client in
            for _ in 0..<4 { #expect(try await signIn(client, user.email, "wrong password here") == 401) }
            try await server.services.database.write { db in
                try db.execute(
                    sql: "UPDATE users SET last_failed_login_at = ? WHERE id = ?",
                    arguments: [Date().addingTimeInterval(-Identity.failureDecay - 60), user.id])
            }
            #expect(try await signIn(client, user.email, "wrong password again") == 401)
            #expect(try await signIn(client, user.email, TestServer.password) == 200)
        }
    }

    /// Six digits are guessable without a limit: five wrong codes lock the account like passwords.
    @Test func wrongSecondFactorCodesLockTheAccount() async throws {
        let server = try TestServer { config in
            config.loginsPerMinute = 1000
        }
        let user = try await server.user(.director)
        let secret = TwoFactor.newSecret()
        let sealed = try TwoFactor.sealed(secret, userID: user.id, secrets: server.services.database.secrets)
        try await server.services.database.write { db in
            var enrolled = user
            enrolled.totpSecret = sealed
            enrolled.totpEnabled = true
            try enrolled.update(db)
        }
        var headers = try await server.signIn(.director).headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let form = headers
        let email = user.email
        try await server.test { client in
            for _ in 0..<5 {
                let response = try await client.execute(
                    uri: "/account/2fa/disable", method: .post, headers: form,
                    body: ByteBuffer(string: "password=correct+horse+battery+staple&code=000000"))
                #expect(response.status == .unprocessableContent)
            }
            #expect(try await signIn(client, email, TestServer.password) == 401)
        }
        let locked = try #require(try await server.services.identity.users.user(email: email))
        #expect((locked.lockedUntil ?? .distantPast) > Date())
        #expect(locked.totpEnabled)
    }
}

/// Reset links (issue 20, Low): built from the configured host, not whatever `Host` a request
/// carried, and only the newest one works.
@Suite struct ResetLinkTests {
    @Test func onlyTheNewestLinkWorksAndItNamesTheConfiguredHost() async throws {
        let server = try TestServer { $0.trustedHosts = ["labbox.clinic.lan", "localhost"] }
        let technician = try await server.user(.technician)
        let admin = try await server.signIn(.admin)
        let request = admin.headers
        let urls = try await server.test { client in
            var urls: [String] = []
            for _ in 0..<2 {
                let response = try await client.execute(
                    uri: "/api/v1/users/\(technician.id ?? 0)/reset-link", method: .post, headers: request)
                #expect(response.status == .created || response.status == .ok)
                urls.append(try #require(try response.json()["url"] as? String))
            }
            return urls
        }
        for url in urls { #expect(url.hasPrefix("http://labbox.clinic.lan/reset?token="), "\(url)") }
        let tokens = urls.map { String($0.split(separator: "=").last ?? "") }
        #expect(try await server.services.identity.users.resetUser(token: tokens[0]) == nil)
        #expect(try await server.services.identity.users.resetUser(token: tokens[1])?.id == technician.id)
    }
}
