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

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite struct SecurityTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let rightPassword = ByteBuffer(
        string: "email=technician%40lab.example&password=correct+horse+battery+staple")
    static let wrongPassword = ByteBuffer(string: "email=technician%40lab.example&password=wrong+wrong+wrong+wrong")

    @Test func repeatedFailuresLockTheAccountEvenForTheRightPassword() async throws {
        let server = try TestServer()
        _ = try await server.user(.technician)
        try await server.services.database.write {
            try $0.execute(sql: "UPDATE users SET failed_logins = ?", arguments: [Identity.lockoutThreshold - 1])
        }
        try await server.test { client in
            let failed = try await client.execute(
                uri: "/login", method: .post, headers: Self.form, body: Self.wrongPassword)
            #expect(failed.status == .unauthorized)
            let locked = try await client.execute(
                uri: "/login", method: .post, headers: Self.form, body: Self.rightPassword)
            #expect(locked.status == .unauthorized)
            #expect(locked.headers[.setCookie] == nil)
        }
        let lockouts = try await server.eventCount("login.lockout")
        #expect(lockouts == 1)
        let user = try #require(try await server.services.identity.users.user(email: "technician@lab.example"))
        #expect((user.lockedUntil ?? .distantPast) > Date())
    }

    @Test func successfulSignInResetsTheFailureCount() async throws {
        let server = try TestServer()
        _ = try await server.user(.technician)
        try await server.services.database.write { try $0.execute(sql: "UPDATE users SET failed_logins = 3") }
        try await server.test { client in
            let ok = try await client.execute(
                uri: "/login", method: .post, headers: Self.form, body: Self.rightPassword)
            #expect(ok.status == .seeOther)
        }
        #expect(try await server.services.identity.users.user(email: "technician@lab.example")?.failedLogins == 0)
    }

    @Test func signInAttemptsPerAddressAreLimited() async throws {
        let server = try TestServer { $0.loginsPerMinute = 2 }
        try await server.test { client in
            let first = try await client.execute(
                uri: "/login", method: .post, headers: Self.form, body: Self.wrongPassword)
            #expect(first.status == .unauthorized)
            // Spend the rest of the burst directly: each HTTP attempt costs a bcrypt hash, and on a
            // loaded machine enough seconds could pass to earn a token back (one per 30 s here).
            let limiter = server.services.identity.loginLimiter
            while limiter.take("") == nil {}
            let limited = try await client.execute(
                uri: "/login", method: .post, headers: Self.form, body: Self.wrongPassword)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
    }

    /// Found in review (issue 20, H1): twelve anonymous token requests with a 5 MB email grew a
    /// database by 126 MB of rows that can never be deleted.
    @Test func anonymousSignInsCannotFillTheDisk() async throws {
        let server = try TestServer { $0.loginsPerMinute = 2 }
        let stored: @Sendable () async throws -> Int = {
            try await server.services.database.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT (SELECT COUNT(*) FROM security_events) + (SELECT COUNT(*) FROM audit_events)")
                    ?? 0
            }
        }
        try await server.test { client in
            let before = try await stored()
            let huge = String(repeating: "x", count: 5_000_000) + "@lab.example"
            let refused = try await client.send(
                .post, "/api/v1/auth/token", json: ["email": huge, "password": "whatever-it-is"])
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.apiError()["field"] as? String == "email")
            let long = try await client.send(
                .post, "/api/v1/auth/token",
                json: ["email": "a@lab.example", "password": String(repeating: "p", count: 100_000)])
            #expect(long.status == .unprocessableContent)
            #expect(try await stored() == before)

            // Rate-limited attempts are refused before anything is written.
            let limiter = server.services.identity.loginLimiter
            while limiter.take("") == nil {}
            for _ in 0..<5 {
                let limited = try await client.send(
                    .post, "/api/v1/auth/token", json: ["email": "nobody@lab.example", "password": "whatever-it-is"])
                #expect(limited.status == .tooManyRequests)
            }
            #expect(try await stored() == before)
        }
        // Whatever reaches a security event is cut to its bounds.
        try await server.services.database.write { db in
            try SecurityEvent.record(
                db, kind: .loginFailed, user: nil, email: String(repeating: "e", count: 10_000), event: .server,
                detail: String(repeating: "d", count: 10_000))
        }
        let last = try await server.services.database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT length(email), length(detail) FROM security_events ORDER BY id DESC LIMIT 1"
            ).map { ($0[0] as Int, $0[1] as Int) }
        }
        #expect(last?.0 == SecurityEvent.maxEmail)
        #expect(last?.1 == SecurityEvent.maxDetail)
    }

    @Test func requestsBeyondTheRateGet429WithRetryAfterButHealthChecksDoNot() async throws {
        let server = try TestServer {
            // Refills one request per 100 s: the test cannot be slow enough to earn one back.
            $0.requestsPerSecond = 0.01
            $0.requestBurst = 3
        }
        let key = try await server.apiKey(["samples:read"])
        try await server.test { client in
            for _ in 0..<3 {
                #expect(
                    try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: key])
                        .status == .ok)
            }
            let limited = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: key])
            #expect(limited.status == .tooManyRequests)
            #expect(try limited.apiError()["code"] as? String == "rate_limited")
            #expect((1...100).contains(Int(limited.headers[.retryAfter] ?? "") ?? 0))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func allowListKeepsOtherNetworksOut() async throws {
        let outside = try TestServer { $0.ipAllow = [CIDR("10.0.0.0/8")!] }
        try await outside.test(.live) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .forbidden)
        }
        let inside = try TestServer { $0.ipAllow = [CIDR("127.0.0.0/8")!] }
        try await inside.test(.live) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test func onlyTrustedHostNamesAreServed() async throws {
        // The live test client addresses the server as localhost.
        let trusted = try TestServer { $0.trustedHosts = ["localhost", "127.0.0.1"] }
        try await trusted.test(.live) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
        }
        let elsewhere = try TestServer { $0.trustedHosts = ["labbox.clinic.lan"] }
        try await elsewhere.test(.live) { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .badRequest)
            #expect(try response.apiError()["code"] as? String == "invalid_host")
        }
    }

    @Test func corsIsOffUnlessTheOriginIsListed() async throws {
        let server = try TestServer { $0.corsOrigins = ["https://lims.example"] }
        try await server.test { client in
            let listed = try await client.execute(
                uri: "/api/v1/openapi.json", method: .get, headers: [.origin: "https://lims.example"])
            #expect(listed.headers[.accessControlAllowOrigin] == "https://lims.example")
            let other = try await client.execute(
                uri: "/api/v1/openapi.json", method: .get, headers: [.origin: "https://evil.example"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
            let preflight = try await client.execute(
                uri: "/api/v1/auth/me", method: .options,
                headers: [.origin: "https://lims.example", .accessControlRequestMethod: "GET"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
        }
        try await TestServer().test { client in
            let response = try await client.execute(
                uri: "/api/v1/openapi.json", method: .get, headers: [.origin: "https://lims.example"])
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func selfSignedTLSServesHTTPSWithHSTSAndKeepsItsCertificate() async throws {
        let directory = try TemporaryDirectory()
        let tls = ["LABBOX_TLS_MODE": "self-signed"]
        let server = try RunningServer(directory: directory.path, environment: tls)
        #expect(server.logText.contains("ready at https://"))
        let curl = try await LabBoxProcess.run(
            ["-sk", "-D", "-", "-o", "/dev/null", "https://127.0.0.1:\(server.port)/healthz"], binary: "/usr/bin/curl")
        #expect(curl.stdout.contains("HTTP/1.1 200"))
        #expect(curl.stdout.lowercased().contains("strict-transport-security: max-age=31536000"))
        let plain = try await LabBoxProcess.run(
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/healthz"],
            binary: "/usr/bin/curl")
        #expect(plain.stdout != "200")
        // The certificate is well-formed, signed by its key and names localhost: curl trusts it
        // when told to, with full verification.
        let certificate = directory.path + "/labbox-data/tls/cert.pem"
        let verified = try await LabBoxProcess.run(
            ["-s", "--cacert", certificate, "https://localhost:\(server.port)/healthz"], binary: "/usr/bin/curl")
        #expect(verified.status == 0)
        #expect(verified.stdout.contains("ok"))
        #expect(server.terminate() == 0)

        let first = try String(contentsOfFile: certificate, encoding: .utf8)
        #expect(first.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let key = try FileManager.default.attributesOfItem(atPath: directory.path + "/labbox-data/tls/key.pem")
        #expect((key[.posixPermissions] as? Int) == 0o600)
        let again = try RunningServer(directory: directory.path, environment: tls)
        #expect(again.terminate() == 0)
        #expect(try String(contentsOfFile: certificate, encoding: .utf8) == first)
    }

    @Test func rateLimiterRefillsOverTime() {
        let limiter = RateLimiter(perSecond: 2, burst: 2)
        let start = ContinuousClock.now
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == 1)
        #expect(limiter.take("b", now: start) == nil)
        #expect(limiter.take("a", now: start + .milliseconds(600)) == nil)
    }

    /// Passwords, API keys and session tokens must never reach the log, whatever the route.
    @Test func secretsNeverAppearInTheLog() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/labbox-data"
        let password = "unmistakable-password-9731"
        let create = try await LabBoxProcess.run(
            ["user", "create", "--data", data, "--email", "ops@lab.example", "--role", "admin", "--password-stdin"],
            stdin: password + "\n")
        #expect(create.status == 0, "\(create.stderr)")
        let key = try await LabBoxProcess.run(
            ["apikey", "create", "--data", data, "--name", "ci", "--scopes", "admin"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("lbx_"))

        let server = try RunningServer(directory: directory.path, arguments: ["--log-level", "trace"])
        let base = "http://127.0.0.1:\(server.port)"
        var login = URLRequest(url: URL(string: base + "/login")!)
        login.httpMethod = "POST"
        login.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        login.httpBody = Data("email=ops%40lab.example&password=\(password)".utf8)
        let (_, loginResponse) = try await URLSession.shared.data(for: login)
        #expect((loginResponse as? HTTPURLResponse)?.statusCode == 200)
        var me = URLRequest(url: URL(string: base + "/api/v1/auth/me?key=\(key)")!)
        me.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (_, meResponse) = try await URLSession.shared.data(for: me)
        #expect((meResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(server.terminate() == 0)

        let log = server.logText
        #expect(log.contains(#"\/api\/v1\/auth\/me"#))
        #expect(!log.contains(password))
        #expect(!log.contains(key))
        #expect(!log.contains(String(key.dropFirst(12))))
        #expect(!log.contains(SessionStore.cookieName + "="))
    }
}
