import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct HTTPStackTests {
    @Test func healthzAnswersWithoutAuthentication() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ok")
        }
    }

    @Test func readyzProvesTheDatabaseReadsAndWrites() async throws {
        let server = try TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            let checks = try #require(try response.json()["checks"] as? [String: String])
            #expect(checks == ["database": "ok", "migrations": "ok"])
        }
        let probe = try await server.services.database.read {
            try String.fetchOne($0, sql: "SELECT checked_at FROM readiness_probe")
        }
        #expect(probe != nil)
    }

    @Test func readyzReportsUnavailableWhenTheDatabaseIsClosed() async throws {
        let server = try TestServer()
        try server.services.database.close()
        try await server.test { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["status"] as? String == "unavailable")
        }
    }

    @Test func requestIDIsGeneratedOrAcceptedAndEchoed() async throws {
        try await TestServer().test { client in
            let generated = try await client.execute(uri: "/healthz", method: .get)
            let id = try #require(generated.headers[RequestIDMiddleware.header])
            #expect(id.count == 32)

            let accepted = try await client.execute(
                uri: "/healthz", method: .get, headers: [RequestIDMiddleware.header: "lb-client.42:abc"])
            #expect(accepted.headers[RequestIDMiddleware.header] == "lb-client.42:abc")

            let forged = try await client.execute(
                uri: "/healthz", method: .get, headers: [RequestIDMiddleware.header: "x\"}\n{evil"])
            #expect(forged.headers[RequestIDMiddleware.header] != "x\"}\n{evil")
            #expect(forged.headers[RequestIDMiddleware.header]?.count == 32)
        }
    }

    @Test func unknownAPIRouteIsAJSONErrorCarryingTheRequestID() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(
                uri: "/api/v1/nothing-here", method: .get, headers: [RequestIDMiddleware.header: "trace-1"])
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let error = try response.apiError()
            #expect(error["code"] as? String == "not_found")
            #expect(error["request_id"] as? String == "trace-1")
        }
    }

    /// `/samples/abc` names no sample, as `/samples/999999` does not: both are 404 on every route,
    /// whichever controller serves it.
    @Test func anIDThatIsNotANumberIsNotFound() async throws {
        let server = try TestServer()
        let key = try await server.apiKey([
            "samples:read", "animals:read", "reproduction:read", "results:read", "genomics:read",
        ])
        try await server.test { client in
            for uri in [
                "/api/v1/samples/abc", "/api/v1/animals/abc", "/api/v1/embryos/abc", "/api/v1/orders/abc",
                "/api/v1/animals/abc/genotypes", "/api/v1/samples/99999999999999999999",
            ] {
                let response = try await client.send(.get, uri, auth: key)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try response.apiError()["code"] as? String == "not_found", "\(uri)")
            }
        }
    }

    @Test func unknownPageIsAnHTMLPageShowingTheRequestID() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(
                uri: "/no/such/page", method: .get, headers: [RequestIDMiddleware.header: "trace-2"])
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.text.contains("Page not found"))
            #expect(response.text.contains("trace-2"))
        }
    }

    struct LeakyError: Error, CustomStringConvertible {
        var description: String { "SQLITE_ERROR near SELECT secret_column FROM users" }
    }

    @Test func internalErrorsAreAnsweredWithoutTheirDetails() async throws {
        let routes: (Router<AppRequestContext>) -> Void = { router in
            router.get("/api/v1/test-crash") { _, _ -> String in throw LeakyError() }
            router.get("/test-crash") { _, _ -> String in throw LeakyError() }
        }
        try await TestServer().test(extraRoutes: routes) { client in
            let api = try await client.execute(uri: "/api/v1/test-crash", method: .get)
            #expect(api.status == .internalServerError)
            #expect(try api.apiError()["code"] as? String == "internal_error")
            #expect(!api.text.contains("SELECT") && !api.text.contains("secret_column"))

            let page = try await client.execute(uri: "/test-crash", method: .get)
            #expect(page.status == .internalServerError)
            #expect(page.text.contains("Something went wrong"))
            let requestID = try #require(page.headers[RequestIDMiddleware.header])
            #expect(page.text.contains(requestID))
            #expect(!page.text.contains("secret_column"))
        }
    }

    @Test func flashMessageSurvivesTheRedirectAndShowsOnce() async throws {
        let routes: (Router<AppRequestContext>) -> Void = { router in
            router.post("/test-save") { _, _ in Flash(kind: .success, message: "Straw <7-1> stored").redirect(to: "/") }
        }
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        try await server.test(extraRoutes: routes) { client in
            let saved = try await client.execute(uri: "/test-save", method: .post)
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/")
            let setCookie = try #require(saved.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))

            let shown = try await client.execute(
                uri: "/", method: .get, headers: [.cookie: "\(cookie); \(session.cookie)"])
            #expect(shown.text.contains("class=\"flash flash-success\""))
            #expect(shown.text.contains("Straw &lt;7-1&gt; stored"))
            #expect(shown.headers[.setCookie]?.contains("Max-Age=0") == true)

            let plain = try await client.execute(uri: "/", method: .get, headers: session.headers)
            #expect(!plain.text.contains("class=\"flash"))
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let server = try TestServer { $0.maxBodyBytes = 2048 }
        try await server.test { client in
            let response = try await client.execute(
                uri: "/api/v1/openapi.json", method: .post, body: ByteBuffer(repeating: 0x41, count: 4096))
            #expect(response.status == .contentTooLarge)
            #expect(try response.apiError()["code"] as? String == "payload_too_large")
        }
    }

    @Test func wrongMethodOnAnAPIRouteIsAJSONError() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .delete)
            #expect(response.status.code >= 400 && response.status.code < 500)
            _ = try response.apiError()
        }
    }

    @Test func textResponsesAreGzippedWhenAccepted() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let plain = try await client.execute(uri: "/docs", method: .get, headers: session.headers)
            #expect(plain.headers[.contentEncoding] == nil)
            var headers = session.headers
            headers[.acceptEncoding] = "gzip, br"
            let zipped = try await client.execute(uri: "/docs", method: .get, headers: headers)
            #expect(zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.body.readableBytes < plain.body.readableBytes)
            #expect(zipped.body.getBytes(at: 0, length: 2) == [0x1f, 0x8b])
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await TestServer().test { client in
            for uri in ["/", "/healthz", "/api/v1/missing", "/static/app.css"] {
                let response = try await client.execute(uri: uri, method: .get)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            }
        }
    }

    @Test func staticAssetsAreCachedByContentHash() async throws {
        let server = try TestServer()
        let url = server.services.assets.url(for: "app.css")
        let hash = try #require(url.split(separator: "=").last.map(String.init))
        try await server.test { client in
            let versioned = try await client.execute(uri: url, method: .get)
            #expect(versioned.status == .ok)
            #expect(versioned.headers[.contentType] == "text/css; charset=utf-8")
            #expect(versioned.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(versioned.headers[.eTag] == "\"\(hash)\"")

            let revalidated = try await client.execute(
                uri: "/static/app.css", method: .get, headers: [.ifNoneMatch: "\"\(hash)\""])
            #expect(revalidated.status == .notModified)

            let missing = try await client.execute(uri: "/static/nope.css", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func homePageRendersInTheLayout() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let response = try await client.execute(uri: "/", method: .get, headers: session.headers)
            #expect(response.status == .ok)
            #expect(response.text.contains("<title>Home · LabBox</title>"))
            #expect(response.text.contains("aria-current=\"page\""))
            #expect(response.text.contains(Migrations.embedded.list.last?.id ?? "?"))
            #expect(!response.text.contains("<script>"))
        }
    }

    @Test func metricsCountRequestsPerRouteAndStatus() async throws {
        try await TestServer().test { client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await client.execute(uri: "/readyz", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            let text = response.text
            #expect(text.contains("http_server_request_duration_bucket{http_route=\"/healthz\""))
            #expect(text.contains("labbox_db_pool_wait_seconds_count{kind=\"write\"}"))
            #expect(text.contains("labbox_process_resident_memory_bytes"))
            #expect(text.contains("labbox_process_uptime_seconds"))
        }
    }

    @Test func metricsNeedTheConfiguredToken() async throws {
        let server = try TestServer { $0.metricsToken = "scrape-token-0123456789" }
        try await server.test { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            let wrong = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"])
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-token-0123456789"])
            #expect(right.status == .ok)
        }
    }
}
