import Biobank
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// What the API acknowledges is exactly what it stored (issue 20, input correctness): text with a
/// NUL, instants with milliseconds, days that do not exist, bodies that outgrow the limit while
/// streaming in.
@Suite struct HostileInputTests {
    static let sample =
        #"{"external_id":"H-1","species":"bovine","kind":"semen","collected_at":"2024-05-01T12:30:00Z"}"#

    private func post(_ client: some TestClientProtocol, _ key: String, _ json: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/samples", method: .post,
            headers: [.authorization: key, .contentType: "application/json"], body: ByteBuffer(string: json))
    }

    @Test func textWithANulIsRefusedNotCut() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write", "samples:read"])
        try await server.test { client in
            for json in [
                Self.sample.replacingOccurrences(of: "H-1", with: #"H\u0000-1"#),
                Self.sample.replacingOccurrences(of: #""kind""#, with: #""notes":"before\u0000after","kind""#),
            ] {
                let response = try await post(client, key, json)
                #expect(response.status == .unprocessableContent, "\(json)")
            }
            var headers = try await server.signIn(.technician).headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let page = try await client.execute(
                uri: "/samples", method: .post, headers: headers,
                body: ByteBuffer(string: "external_id=F%00-1&species=bovine&kind=semen&collected_at=2024-05-01T10:00"))
            #expect(page.status == .unprocessableContent)
        }
        #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 0)
    }

    /// `null` where the document says text would decode as "absent" and be stored as "".
    @Test func nullWhereTextIsExpectedIsRefusedNamingTheField() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write", "samples:read"])
        try await server.test { client in
            let response = try await post(
                client, key, Self.sample.replacingOccurrences(of: #""kind""#, with: #""notes":null,"kind""#))
            #expect(response.status == .unprocessableContent)
            #expect(try response.apiError()["field"] as? String == "notes")
        }
        #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 0)
    }

    @Test func anInstantKeepsItsMilliseconds() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write", "samples:read"])
        try await server.test { client in
            let json = Self.sample.replacingOccurrences(
                of: "2024-05-01T12:30:00Z", with: "2024-05-01T12:30:00.250+02:00")
            let created = try await post(client, key, json)
            #expect(created.status == .created)
            #expect(try created.json()["collected_at"] as? String == "2024-05-01T10:30:00.250Z")
            let id = try #require(try created.json()["id"] as? Int)
            let read = try await client.execute(
                uri: "/api/v1/samples/\(id)", method: .get, headers: [.authorization: key])
            #expect(try read.json()["collected_at"] as? String == "2024-05-01T10:30:00.250Z")
            // A whole second still reads as before.
            #expect(try read.json()["created_at"] as? String != nil)
        }
    }

    @Test func aDayThatDoesNotExistIsRefused() async throws {
        for text in [
            "2024-02-30T10:00:00Z", "2023-02-29T10:00:00Z", "2024-13-01T10:00:00Z", "2024-04-31T00:00:00Z",
            "2024-05-01T24:00:00Z", "2024-05-01T10:60:00Z", "2024-05-01T10:00:60Z",
        ] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
        #expect(Timestamp.parse("2024-02-29T23:59:59.999Z") != nil)
        #expect(Day.date("2023-02-29") == nil && Day.date("2024-02-29") != nil && Day.date("2024-04-31") == nil)
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write"])
        try await server.test { client in
            let json = Self.sample.replacingOccurrences(of: "2024-05-01T12:30:00Z", with: "2024-02-30T10:00:00Z")
            let response = try await post(client, key, json)
            #expect(response.status == .unprocessableContent)
            #expect(try response.apiError()["field"] as? String == "collected_at")
        }
    }

    /// A chunked body has no `Content-Length` to refuse it early: it is cut off at the limit while
    /// being read, and answered 413 like any other oversized body.
    @Test func aChunkedBodyOverTheLimitIs413() async throws {
        let directory = try TemporaryDirectory()
        let server = try RunningServer(
            directory: directory.path, environment: ["LABBOX_SERVER_MAX_BODY_BYTES": "4096"])
        defer { _ = server.terminate() }
        // curl sends a body of unknown length as chunked when asked to (scripts/install-deps installs it).
        let file = directory.path + "/big.json"
        try (#"{"email":"a@b.example","password":""# + String(repeating: "A", count: 100_000) + #""}"#)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let curl = try await LabBoxProcess.run(
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked", "-H",
                "Content-Type: application/json", "--data-binary", "@" + file,
                "http://127.0.0.1:\(server.port)/api/v1/auth/token",
            ], binary: "/usr/bin/curl")
        #expect(curl.stdout == "413", "\(curl.stdout) \(curl.stderr)")
    }
}

/// Connections and probes that cost the server without doing work (issue 20, M7).
@Suite struct IdleAndReadinessTests {
    /// A client that opens a connection and then says nothing is cut off after
    /// `server.idle_timeout_seconds`, instead of holding a file handle for ever.
    @Test func aSilentConnectionIsClosed() async throws {
        let directory = try TemporaryDirectory()
        let server = try RunningServer(
            directory: directory.path, environment: ["LABBOX_SERVER_IDLE_TIMEOUT_SECONDS": "1"])
        defer { _ = server.terminate() }
        let python = ProcessInfo.processInfo.environment["LABBOX_TEST_PYTHON"] ?? "/usr/bin/python3"
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.settimeout(10)
            start = time.time()
            print("closed" if s.recv(1) == b"" else "data", round(time.time() - start))
            """
        let result = try await LabBoxProcess.run(["-c", script, String(server.port)], binary: python)
        #expect(result.stdout.hasPrefix("closed"), "\(result.stdout) \(result.stderr)")
    }

    /// Anyone may ask `/readyz`, so asking often must not mean writing often: the database is probed
    /// at most once every two seconds, and the answer is rate limited like any other.
    @Test func readinessWritesAtMostOnceEveryTwoSeconds() async throws {
        let server = try TestServer {
            $0.requestsPerSecond = 1
            $0.requestBurst = 30
        }
        try await server.services.database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE probe_writes (n INTEGER NOT NULL); INSERT INTO probe_writes VALUES (0);
                    CREATE TRIGGER probe_insert AFTER INSERT ON readiness_probe BEGIN UPDATE probe_writes SET n = n + 1; END;
                    CREATE TRIGGER probe_update AFTER UPDATE ON readiness_probe BEGIN UPDATE probe_writes SET n = n + 1; END;
                    """)
        }
        let start = ContinuousClock.now
        try await server.test { client in
            for _ in 0..<20 {
                let response = try await client.execute(uri: "/readyz", method: .get)
                #expect(response.status == .ok)
            }
            // The bucket refills one a second, so on a busy machine it takes more than 10 more.
            var limited = false
            for _ in 0..<200 where !limited {
                limited = try await client.execute(uri: "/readyz", method: .get).status == .tooManyRequests
            }
            #expect(limited)
        }
        // One probe per two seconds the 40 requests took (one, unless the machine is busy).
        let windows = Int((ContinuousClock.now - start) / .seconds(2)) + 1
        let writes = try await server.services.database.read { try Int.fetchOne($0, sql: "SELECT n FROM probe_writes") }
        #expect((1...windows).contains(writes ?? 0), "\(writes ?? 0) probes in \(windows) two-second windows")
    }

    /// Asked more often than every two seconds, readiness is still probed again every two seconds:
    /// a server that was not ready (a full disk) must be seen ready again, and the other way round.
    @Test func readinessAskedOftenIsStillProbedEveryTwoSeconds() async throws {
        let server = try TestServer()
        try await server.test { client in
            func probedAt() async throws -> String? {
                try await server.services.database.read {
                    try String.fetchOne($0, sql: "SELECT checked_at FROM readiness_probe")
                }
            }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let first = try await probedAt()
            // Asked until the probe moves: a busy machine may stretch the two seconds' requests.
            let moved = try await poll(every: .milliseconds(100)) { () async throws -> Bool? in
                _ = try await client.execute(uri: "/readyz", method: .get)
                return try await probedAt() != first ? true : nil
            }
            #expect(moved == true)
        }
    }
}
