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

@Suite struct AuthTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test func signInSetsASafeCookieAndSignOutEndsTheSession() async throws {
        let server = try TestServer()
        _ = try await server.user(.technician)
        try await server.test { client in
            let body = ByteBuffer(
                string: "email=technician%40lab.example&password=correct+horse+battery+staple&next=/docs")
            let login = try await client.execute(uri: "/login", method: .post, headers: Self.form, body: body)
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/docs")
            let setCookie = try #require(login.headers[.setCookie])
            #expect(
                setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
            let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))

            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            #expect(home.status == .ok)
            let csrf = try #require(home.text.firstMatch(of: /name="_csrf" value="([^"]+)"/).map { String($0.1) })

            var headers = Self.form
            headers[.cookie] = cookie
            let logout = try await client.execute(
                uri: "/logout", method: .post, headers: headers, body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(logout.status == .seeOther)
            let after = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/login")
        }
        let kinds = try await server.services.database.read {
            try String.fetchAll($0, sql: "SELECT kind FROM security_events WHERE kind IN ('login.succeeded', 'logout')")
        }
        #expect(kinds == ["login.succeeded", "logout"])
    }

    @Test func wrongPasswordAndUnknownEmailGetTheSameAnswer() async throws {
        let server = try TestServer()
        _ = try await server.user(.technician)
        try await server.test { client in
            let wrong = try await client.execute(
                uri: "/login", method: .post, headers: Self.form,
                body: ByteBuffer(string: "email=technician%40lab.example&password=not+the+password+at+all"))
            let unknown = try await client.execute(
                uri: "/login", method: .post, headers: Self.form,
                body: ByteBuffer(string: "email=nobody%40lab.example&password=not+the+password+at+all"))
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            let message = /role="alert">([^<]+)</
            #expect(wrong.text.firstMatch(of: message)?.1 == unknown.text.firstMatch(of: message)?.1)
            #expect(wrong.headers[.setCookie] == nil)
        }
        let failures = try await server.eventCount("login.failed")
        #expect(failures == 2)
    }

    @Test func forgedPostWithoutTheCSRFTokenIsRefusedAndRecorded() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            var headers = Self.form
            headers[.cookie] = admin.cookie
            let body = ByteBuffer(
                string: "email=evil%40x.example&display_name=Evil&role=admin&password=correct+horse+battery+staple")
            let forged = try await client.execute(uri: "/admin/users", method: .post, headers: headers, body: body)
            #expect(forged.status == .forbidden)
            let wrongToken = try await client.execute(
                uri: "/admin/users", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=guess&email=evil%40x.example"))
            #expect(wrongToken.status == .forbidden)
        }
        #expect(try await server.services.identity.users.user(email: "evil@x.example") == nil)
        let rejections = try await server.eventCount("csrf.rejected")
        #expect(rejections == 2)
    }

    @Test func adminCreatesAUserThroughTheFormWithTheToken() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            var headers = Self.form
            headers[.cookie] = admin.cookie
            let body = ByteBuffer(
                string: "_csrf=\(admin.csrf)&email=new%40lab.example&display_name=New+Tech&role=technician"
                    + "&password=correct+horse+battery+staple")
            let created = try await client.execute(uri: "/admin/users", method: .post, headers: headers, body: body)
            #expect(created.status == .seeOther)
            let weak = try await client.execute(
                uri: "/admin/users", method: .post, headers: headers,
                body: ByteBuffer(
                    string: "_csrf=\(admin.csrf)&email=weak%40lab.example&display_name=W&role=technician"
                        + "&password=1qaz2wsx3edc"))
            #expect(weak.status == .unprocessableContent)
            #expect(weak.text.contains("commonly used"))
        }
        #expect(try await server.services.identity.users.user(email: "new@lab.example")?.role == .technician)
    }

    @Test func passwordPolicyFollowsNIST() {
        #expect(PasswordPolicy.problem(with: "short pass", email: "a@b.c") != nil)
        #expect(PasswordPolicy.problem(with: "1qaz2wsx3edc", email: "a@b.c") != nil)
        #expect(PasswordPolicy.problem(with: "maria-gomez-2024!", email: "maria.gomez@lab.example") == nil)
        #expect(PasswordPolicy.problem(with: "lab-director-room", email: "director@lab.example") != nil)
        #expect(PasswordPolicy.problem(with: "alllowercaseletters", email: "a@b.c") == nil)
    }

    @Test func apiKeyLifecycleThroughTheAPI() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            var headers = admin.headers
            headers[.contentType] = "application/json"
            let create = try await client.execute(
                uri: "/api/v1/apikeys", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"name":"herd book","scopes":["samples:read"]}"#))
            #expect(create.status == .created)
            let json = try create.json()
            let secret = try #require(json["secret"] as? String)
            #expect(secret.hasPrefix("lbx_"))
            let id = try #require((json["key"] as? [String: Any])?["id"] as? Int)

            let me = try await client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(me.status == .ok)
            #expect(try me.json()["scopes"] as? [String] == ["samples:read"])

            let forbidden = try await client.execute(
                uri: "/api/v1/users", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(forbidden.status == .forbidden)
            #expect(try forbidden.apiError()["code"] as? String == "forbidden")

            let listed = try await client.execute(uri: "/api/v1/apikeys", method: .get, headers: headers)
            #expect(!listed.text.contains(secret) && !listed.text.contains("key_hash"))

            let revoke = try await client.execute(uri: "/api/v1/apikeys/\(id)", method: .delete, headers: headers)
            #expect(revoke.status == .noContent)
            let afterRevoke = try await client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(afterRevoke.status == .unauthorized)
            #expect(try afterRevoke.apiError()["code"] as? String == "unauthorized")
        }
    }

    @Test func missingMalformedUnknownAndExpiredKeysAre401() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read"], expiresAt: Date().addingTimeInterval(3600))
        try await server.services.database.write {
            try $0.execute(sql: "UPDATE api_keys SET expires_at = '2000-01-01'")
        }
        try await server.test { client in
            for authorization in [nil, "Basic abc", "Bearer", "Bearer lbx_nope_nope", key] {
                var headers: HTTPFields = [:]
                if let authorization { headers[.authorization] = authorization }
                let response = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers)
                #expect(response.status == .unauthorized, "\(authorization ?? "none")")
                #expect(try response.apiError()["code"] as? String == "unauthorized")
            }
        }
    }

    @Test func keysCannotGrantMoreThanTheirCreatorHas() async throws {
        let server = try TestServer()
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            var headers = technician.headers
            headers[.contentType] = "application/json"
            let response = try await client.execute(
                uri: "/api/v1/apikeys", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"name":"escalate","scopes":["admin"]}"#))
            #expect(response.status == .forbidden)
            #expect(try response.apiError()["field"] as? String == "scopes")
        }
    }

    @Test func disablingAUserEndsTheirSessionsAndKeysAtOnce() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        let technician = try await server.signIn(.technician)
        let tech = try await server.user(.technician)
        let created = try await server.services.identity.apiKeys.create(
            name: "tech script", scopes: ["samples:read"], owner: tech, expiresAt: nil, by: nil, event: .commandLine)
        try await server.test { client in
            let before = try await client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(created.secret)"])
            #expect(before.status == .ok)
            var headers = admin.headers
            headers[.contentType] = "application/json"
            let disable = try await client.execute(
                uri: "/api/v1/users/\(tech.id ?? 0)", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"status":"disabled"}"#))
            #expect(disable.status == .ok)
            let session = try await client.execute(uri: "/", method: .get, headers: technician.headers)
            #expect(session.status == .seeOther)
            let key = try await client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(created.secret)"])
            #expect(key.status == .unauthorized)
        }
    }

    @Test func adminsCannotLockThemselvesOut() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        let id = try await server.user(.admin).id ?? 0
        try await server.test { client in
            var headers = admin.headers
            headers[.contentType] = "application/json"
            let response = try await client.execute(
                uri: "/api/v1/users/\(id)", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"role":"auditor"}"#))
            #expect(response.status == .conflict)
        }
    }

    @Test func idleAndRevokedSessionsStopWorking() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        try await server.services.database.write {
            try $0.execute(sql: "UPDATE sessions SET last_seen_at = '2000-01-01 00:00:00.000'")
        }
        try await server.test { client in
            let response = try await client.execute(uri: "/", method: .get, headers: session.headers)
            #expect(response.status == .seeOther)
        }
    }

    @Test func firstRunSetupLinkCreatesOneAdminOnce() async throws {
        let server = try TestServer()
        let token = server.services.setup.issue()
        try await server.test { client in
            let page = try await client.execute(uri: "/setup?token=\(token)", method: .get)
            #expect(page.status == .ok)
            let bad = try await client.execute(uri: "/setup?token=wrong", method: .get)
            #expect(bad.status == .notFound)
            let body = ByteBuffer(
                string: "token=\(token)&display_name=Ada&email=ada%40lab.example&password=correct+horse+battery+staple")
            let created = try await client.execute(uri: "/setup", method: .post, headers: Self.form, body: body)
            #expect(created.status == .seeOther)
            let again = try await client.execute(uri: "/setup", method: .post, headers: Self.form, body: body)
            #expect(again.status == .notFound)
        }
        #expect(try await server.services.identity.users.user(email: "ada@lab.example")?.role == .admin)
        #expect(try await server.services.identity.users.count() == 1)
    }

    @Test func crossSiteSignInIsRefused() async throws {
        let server = try TestServer()
        try await server.test { client in
            var headers = Self.form
            headers[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let response = try await client.execute(
                uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: "email=a%40b.c&password=x"))
            #expect(response.status == .forbidden)
        }
    }

    @Test func signInOnlyRedirectsToLocalPaths() {
        #expect(LoginController.safeNext("/admin/users") == "/admin/users")
        #expect(LoginController.safeNext("//evil.example/") == "/")
        #expect(LoginController.safeNext("https://evil.example/") == "/")
        #expect(LoginController.safeNext("/\\evil.example") == "/")
        // Issue 20: a tab (`next=/%09/evil.example`) or line break that browsers drop.
        #expect(LoginController.safeNext("/\t/evil.example") == "/")
        #expect(LoginController.safeNext("/\n/evil.example") == "/")
    }
}

@Suite struct TokenTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    private func signIn(_ client: some TestClientProtocol) async throws -> [String: Any] {
        let response = try await client.execute(
            uri: "/api/v1/auth/token", method: .post, headers: Self.json,
            body: ByteBuffer(string: #"{"email":"auditor@lab.example","password":"correct horse battery staple"}"#))
        #expect(response.status == .ok)
        return try response.json()
    }

    private func refresh(_ client: some TestClientProtocol, _ token: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/auth/refresh", method: .post, headers: Self.json,
            body: ByteBuffer(string: #"{"refresh_token":"\#(token)"}"#))
    }

    @Test func accessTokenAuthenticatesAndRefreshRotates() async throws {
        let server = try TestServer()
        _ = try await server.user(.auditor)
        try await server.test { client in
            let pair = try await signIn(client)
            let access = try #require(pair["access_token"] as? String)
            let refresh = try #require(pair["refresh_token"] as? String)
            #expect(pair["expires_in"] as? Int == 900)

            let me = try await client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(try me.json()["kind"] as? String == "access_token")
            #expect(try me.json()["role"] as? String == "auditor")
            let admin = try await client.execute(
                uri: "/api/v1/users", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(admin.status == .forbidden)

            let renewed = try await client.execute(
                uri: "/api/v1/auth/refresh", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"refresh_token":"\#(refresh)"}"#))
            #expect(renewed.status == .ok)
            let next = try #require(try renewed.json()["refresh_token"] as? String)
            #expect(next != refresh)
        }
    }

    @Test func reusingARefreshTokenRevokesItsWholeFamily() async throws {
        let server = try TestServer()
        _ = try await server.user(.auditor)
        try await server.test { client in
            let first = try #require(try await signIn(client)["refresh_token"] as? String)
            let exchange = { (token: String) in
                try await client.execute(
                    uri: "/api/v1/auth/refresh", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"refresh_token":"\#(token)"}"#))
            }
            let second = try #require(try await exchange(first).json()["refresh_token"] as? String)
            let replay = try await exchange(first)
            #expect(replay.status == .unauthorized)
            // The thief's replay also ended the legitimate client's newer token.
            #expect(try await exchange(second).status == .unauthorized)
        }
        let events = try await server.eventCount("token.reuse_detected")
        #expect(events == 1)
    }

    @Test func tokensSignedBeforeARotationStayValidAndNewOnesUseTheNewKey() async throws {
        let server = try TestServer()
        _ = try await server.user(.auditor)
        try await server.test { client in
            let before = try #require(try await signIn(client)["access_token"] as? String)
            _ = try await server.services.database.write {
                try TokenService.rotate($0, secrets: server.services.database.secrets, event: .commandLine)
            }
            let after = try #require(try await signIn(client)["access_token"] as? String)
            func kid(_ token: String) throws -> String? {
                var header = String(token.split(separator: ".")[0]).replacingOccurrences(of: "-", with: "+")
                    .replacingOccurrences(of: "_", with: "/")
                while header.count % 4 != 0 { header += "=" }
                let json = try JSONSerialization.jsonObject(with: Data(base64Encoded: header) ?? Data())
                return (json as? [String: Any])?["kid"] as? String
            }
            #expect(try kid(before) != kid(after))
            for token in [before, after] {
                let me = try await client.execute(
                    uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(token)"])
                #expect(me.status == .ok)
            }
            let forged = try await client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(before.dropLast(2))xx"])
            #expect(forged.status == .unauthorized)
        }
    }

    /// A family ends 30 days after its sign-in, however often it is refreshed.
    @Test func refreshingNeverExtendsTheFamilyBeyondItsSignIn() async throws {
        let server = try TestServer()
        _ = try await server.user(.auditor)
        try await server.test { client in
            var token = try #require(try await signIn(client)["refresh_token"] as? String)
            for _ in 0..<2 {
                token = try #require(try await refresh(client, token).json()["refresh_token"] as? String)
            }
            let ends = try await server.services.database.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT expires_at FROM refresh_tokens")
            }
            #expect(ends.count == 1, "\(ends)")
            try await server.services.database.write { db in
                try db.execute(sql: "UPDATE refresh_tokens SET expires_at = ?", arguments: [Date()])
            }
            #expect(try await refresh(client, token).status == .unauthorized)
        }
    }

    /// A requirement to enrol a second factor reaches API clients at their next refresh, and
    /// enrolling ends the refresh tokens that the password alone got.
    @Test func refreshTokensDoNotOutliveASecondFactorRequirement() async throws {
        let before = try TestServer()
        _ = try await before.user(.director)
        let (first, second) = try await before.test { client in
            var tokens: [String] = []
            for _ in 0..<2 {
                let response = try await client.execute(
                    uri: "/api/v1/auth/token", method: .post, headers: Self.json,
                    body: ByteBuffer(
                        string: #"{"email":"director@lab.example","password":"correct horse battery staple"}"#))
                tokens.append(try #require(try response.json()["refresh_token"] as? String))
            }
            return (tokens[0], tokens[1])
        }
        let required = try TestServer(directory: before.directory) { $0.requireTwoFactor = true }
        try await required.test { client in
            let refused = try await refresh(client, first)
            #expect(refused.status == .forbidden)
            #expect(try refused.apiError()["code"] as? String == "two_factor_required")
        }
        let session = try await before.signIn(.director)
        try await before.test { client in
            _ = try await client.execute(uri: "/account/2fa", method: .get, headers: session.headers)
            let user = try #require(try await before.services.identity.users.user(email: "director@lab.example"))
            let secret = try #require(TwoFactor.secret(of: user, secrets: before.services.database.secrets))
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let code = String(format: "%06d", HummingbirdOTPCode.compute(secret: secret))
            let enabled = try await client.execute(
                uri: "/account/2fa/enable", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(session.csrf)&code=\(code)"))
            #expect(enabled.status == .ok)
            #expect(try await refresh(client, second).status == .unauthorized)
        }
    }

    /// An unknown email, a wrong password and a locked account all cost one bcrypt check: the
    /// answer's time does not tell them apart (it did: a locked account answered at once, and a
    /// wrong password waited longer with each failure).
    @Test func theAnswerTimeDoesNotRevealWhichAccountsExist() async throws {
        let server = try TestServer { $0.loginsPerMinute = 1000 }
        _ = try await server.user(.auditor)
        _ = try await server.user(.technician)
        try await server.test { client in
            func attempt(_ email: String) async throws -> Duration {
                let start = ContinuousClock.now
                let response = try await client.execute(
                    uri: "/api/v1/auth/token", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"email":"\#(email)","password":"wrong password here"}"#))
                #expect(response.status == .unauthorized)
                return ContinuousClock.now - start
            }
            for _ in 0..<Identity.lockoutThreshold { _ = try await attempt("technician@lab.example") }
            // Interleaved rounds, so that load from tests running beside this one falls on all three.
            let emails = ["nobody@lab.example", "auditor@lab.example", "technician@lab.example"]
            var times: [[Duration]] = [[], [], []]
            for _ in 0..<7 {
                for (index, email) in emails.enumerated() { times[index].append(try await attempt(email)) }
            }
            // The fastest of each: load from other tests only ever adds time, so the minimum is
            // the answer's own cost. Generous: bcrypt dominates each answer, so a real difference
            // is a multiple (a locked account answered 100 times faster).
            let fastest = times.map { $0.min()! }
            #expect(fastest.min()! * 3 > fastest.max()!, "unknown, wrong password, locked: \(fastest)")
        }
    }

    @Test func passwordResetEndsRefreshTokens() async throws {
        let server = try TestServer()
        _ = try await server.user(.auditor)
        try await server.test { client in
            let refresh = try #require(try await signIn(client)["refresh_token"] as? String)
            _ = try await server.services.identity.users.setPassword(
                email: "auditor@lab.example", password: "a brand new passphrase", event: .commandLine)
            let response = try await client.execute(
                uri: "/api/v1/auth/refresh", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"refresh_token":"\#(refresh)"}"#))
            #expect(response.status == .unauthorized)
        }
    }
}

@Suite struct PasswordTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test func resetLinkWorksOnceAndEndsSessions() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        let technicianSession = try await server.signIn(.technician)
        let technician = try await server.user(.technician)
        try await server.test { client in
            var headers = admin.headers
            headers[.contentType] = "application/json"
            let issued = try await client.execute(
                uri: "/api/v1/users/\(technician.id ?? 0)/reset-link", method: .post, headers: headers)
            #expect(issued.status == .ok)
            let url = try #require(try issued.json()["url"] as? String)
            let token = try #require(url.split(separator: "token=").last.map(String.init))

            #expect(try await client.execute(uri: "/reset?token=\(token)", method: .get).status == .ok)
            let weak = try await client.execute(
                uri: "/reset", method: .post, headers: Self.form,
                body: ByteBuffer(string: "token=\(token)&password=short"))
            #expect(weak.status == .unprocessableContent)
            let done = try await client.execute(
                uri: "/reset", method: .post, headers: Self.form,
                body: ByteBuffer(string: "token=\(token)&password=a+fresh+start+at+the+lab"))
            #expect(done.status == .seeOther)
            let again = try await client.execute(
                uri: "/reset", method: .post, headers: Self.form,
                body: ByteBuffer(string: "token=\(token)&password=another+fresh+start+here"))
            #expect(again.status == .notFound)
            let oldSession = try await client.execute(uri: "/", method: .get, headers: technicianSession.headers)
            #expect(oldSession.status == .seeOther)
        }
        let user = try #require(try await server.services.identity.users.user(email: "technician@lab.example"))
        #expect(try await PasswordPolicy.verify("a fresh start at the lab", hash: user.passwordHash))
    }

    @Test func expiredResetLinkIsRefused() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        let admin = try await server.user(.admin)
        let (token, _) = try await server.services.identity.users.issueReset(
            userID: technician.id ?? 0, by: admin.principal, event: .commandLine)
        try await server.services.database.write {
            try $0.execute(sql: "UPDATE password_resets SET expires_at = '2000-01-01 00:00:00.000'")
        }
        try await server.test { client in
            let response = try await client.execute(uri: "/reset?token=\(token)", method: .get)
            #expect(response.status == .notFound)
        }
    }

    @Test func changingAPasswordNeedsTheCurrentOne() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.director)
        try await server.test { client in
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let wrong = try await client.execute(
                uri: "/account/password", method: .post, headers: headers,
                body: ByteBuffer(
                    string: "_csrf=\(session.csrf)&current_password=guess&new_password=new+and+long+enough"))
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("current password is not correct"))
            let right = try await client.execute(
                uri: "/account/password", method: .post, headers: headers,
                body: ByteBuffer(
                    string: "_csrf=\(session.csrf)&current_password=correct+horse+battery+staple"
                        + "&new_password=new+and+long+enough"))
            #expect(right.status == .seeOther)
        }
    }
}

@Suite struct TwoFactorTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let rfcSecret = "12345678901234567890"

    /// RFC 6238 appendix B, SHA-1, truncated to the 6 digits LabBox uses.
    @Test(arguments: [
        (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"),
    ])
    func rfc6238Vectors(time: Int, code: String) {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        #expect(TwoFactor.matchingStep(secret: Self.rfcSecret, code: code, at: date) == Int64(time / 30))
        #expect(TwoFactor.matchingStep(secret: Self.rfcSecret, code: "000000", at: date) == nil)
    }

    private func currentCode(_ secret: String) -> String {
        let value = HummingbirdOTPCode.compute(secret: secret)
        return String(format: "%06d", value)
    }

    @Test func enrolmentThenSignInNeedsTheCodeAndRecoveryCodesWorkOnce() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.director)
        let codes: [String] = try await step("enrol with the authenticator's code, getting 10 recovery codes") {
            try await server.test { client in
                let page = try await client.execute(uri: "/account/2fa", method: .get, headers: session.headers)
                #expect(page.status == .ok)
                let user = try #require(try await server.services.identity.users.user(email: "director@lab.example"))
                let secret = try #require(TwoFactor.secret(of: user, secrets: server.services.database.secrets))
                var headers = session.headers
                headers[.contentType] = "application/x-www-form-urlencoded"
                let wrong = try await client.execute(
                    uri: "/account/2fa/enable", method: .post, headers: headers,
                    body: ByteBuffer(string: "_csrf=\(session.csrf)&code=000000"))
                #expect(wrong.status == .unprocessableContent)
                let enabled = try await client.execute(
                    uri: "/account/2fa/enable", method: .post, headers: headers,
                    body: ByteBuffer(string: "_csrf=\(session.csrf)&code=\(currentCode(secret))"))
                #expect(enabled.status == .ok)
                return enabled.text.matches(of: /<code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code>/).map { String($0.1) }
            }
        }
        #expect(codes.count == 10)
        try await server.test { client in
            try await step("sign in with the password, then a recovery code") {
                let password = try await client.execute(
                    uri: "/login", method: .post, headers: Self.form,
                    body: ByteBuffer(string: "email=director%40lab.example&password=correct+horse+battery+staple"))
                #expect(password.status == .ok)
                #expect(password.headers[.setCookie] == nil)
                let challenge = try #require(
                    password.text.firstMatch(of: /name="challenge" value="([^"]+)"/).map { String($0.1) })
                let bad = try await client.execute(
                    uri: "/login/2fa", method: .post, headers: Self.form,
                    body: ByteBuffer(string: "challenge=\(challenge)&code=123456"))
                #expect(bad.status == .unauthorized)
                let recovered = try await client.execute(
                    uri: "/login/2fa", method: .post, headers: Self.form,
                    body: ByteBuffer(string: "challenge=\(challenge)&code=\(codes[0])"))
                #expect(recovered.status == .seeOther)
                #expect(recovered.headers[.setCookie] != nil)
            }

            try await step("refuse a token without the code, and the used recovery code again") {
                let token = try await client.execute(
                    uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(
                        string: #"{"email":"director@lab.example","password":"correct horse battery staple"}"#))
                #expect(token.status == .unauthorized)
                #expect(try token.apiError()["code"] as? String == "totp_required")
                let reused = try await client.execute(
                    uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(
                        string:
                            #"{"email":"director@lab.example","password":"correct horse battery staple","totp":"\#(codes[0])"}"#
                    ))
                #expect(reused.status == .unauthorized)
            }
        }
    }

    @Test func requiredTwoFactorSendsAdminsToEnrolFirst() async throws {
        let server = try TestServer { $0.requireTwoFactor = true }
        let admin = try await server.signIn(.admin)
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let home = try await client.execute(uri: "/", method: .get, headers: admin.headers)
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/account/2fa")
            let api = try await client.execute(uri: "/api/v1/users", method: .get, headers: admin.headers)
            #expect(try api.apiError()["code"] as? String == "two_factor_required")
            let enrol = try await client.execute(uri: "/account/2fa", method: .get, headers: admin.headers)
            #expect(enrol.status == .ok)
            let tech = try await client.execute(uri: "/", method: .get, headers: technician.headers)
            #expect(tech.status == .ok)
        }
    }
}

@Suite struct AccountTests {
    @Test func aUserEndsOneOfTheirSessionsButNotSomeoneElses() async throws {
        let server = try TestServer()
        let laptop = try await server.signIn(.technician)
        let phone = try await server.signIn(.technician)
        let other = try await server.signIn(.auditor)
        let sessions = try await server.services.identity.sessions.active(
            userID: try await server.user(.technician).id ?? 0)
        let phoneID = try #require(sessions.map(\.id).compactMap { $0 }.max())
        let auditorSession = try #require(
            try await server.services.identity.sessions.active(userID: try await server.user(.auditor).id ?? 0).first?
                .id)
        try await server.test { client in
            var headers = laptop.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let foreign = try await client.execute(
                uri: "/account/sessions/\(auditorSession)/revoke", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(laptop.csrf)"))
            #expect(foreign.status == .notFound)
            let own = try await client.execute(
                uri: "/account/sessions/\(phoneID)/revoke", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(laptop.csrf)"))
            #expect(own.status == .seeOther)
            #expect(try await client.execute(uri: "/", method: .get, headers: phone.headers).status == .seeOther)
            #expect(try await client.execute(uri: "/", method: .get, headers: laptop.headers).status == .ok)
            #expect(try await client.execute(uri: "/", method: .get, headers: other.headers).status == .ok)
        }
    }

    @Test func securityEventsAreCountedInMetrics() async throws {
        let server = try TestServer()
        try await server.test { client in
            _ = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "email=nobody%40lab.example&password=whatever+it+may+be"))
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("labbox_security_events_total{kind=\"login.failed\"}"))
        }
    }

    @Test func apiKeyCommandsListAndRevoke() async throws {
        let directory = try TemporaryDirectory()
        let created = try await LabBoxProcess.run(
            [
                "apikey", "create", "--data", directory.path, "--name", "nightly export", "--scopes", "samples:read",
                "--expires", "2099-12-31",
            ])
        #expect(created.status == 0)
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("lbx_") && !secret.contains("\n"))
        let listed = try await LabBoxProcess.run(["apikey", "list", "--data", directory.path])
        #expect(listed.stdout.contains("nightly export") && listed.stdout.contains("active"))
        #expect(!listed.stdout.contains(secret))
        #expect(try await LabBoxProcess.run(["apikey", "revoke", "1", "--data", directory.path]).status == 0)
        #expect(try await LabBoxProcess.run(["apikey", "list", "--data", directory.path]).stdout.contains("revoked"))
        let bad = try await LabBoxProcess.run(
            ["apikey", "create", "--data", directory.path, "--name", "x", "--scopes", "everything"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("scopes"))
    }
}

@Suite struct AccessTokenTests {
    let claims = AccessToken.Claims(
        sub: "7", exp: Int64(Date().timeIntervalSince1970) + 60, iat: Int64(Date().timeIntervalSince1970), role: "admin"
    )

    @Test func signedTokenVerifiesOnlyWithItsSecretAndUntouched() throws {
        let token = try AccessToken.sign(claims, kid: "k1", secret: "secret-one")
        #expect(AccessToken.keyID(of: token) == "k1")
        #expect(AccessToken.verify(token, secret: "secret-one") == claims)
        #expect(AccessToken.verify(token, secret: "secret-two") == nil)
        var parts = token.split(separator: ".").map(String.init)
        let forged = AccessToken.Claims(sub: "1", exp: claims.exp, iat: claims.iat, role: "admin")
        parts[1] = AccessToken.base64URL(try JSONEncoder().encode(forged))
        #expect(AccessToken.verify(parts.joined(separator: "."), secret: "secret-one") == nil)
    }

    @Test func expiredAndUnsignedTokensAreRefused() throws {
        let expired = AccessToken.Claims(sub: "7", exp: 1_000, iat: 900, role: "admin")
        #expect(AccessToken.verify(try AccessToken.sign(expired, kid: "k", secret: "s"), secret: "s") == nil)
        let header = AccessToken.base64URL(Data(#"{"alg":"none","kid":"k","typ":"JWT"}"#.utf8))
        let payload = AccessToken.base64URL(try JSONEncoder().encode(claims))
        #expect(AccessToken.verify("\(header).\(payload).", secret: "s") == nil)
        #expect(AccessToken.keyID(of: "\(header).\(payload).") == nil)
    }
}
