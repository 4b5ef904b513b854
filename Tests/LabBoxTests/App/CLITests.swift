import Foundation
import GRDB
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `labbox` executable driven as a separate process, the way an operator uses it.
@Suite struct CLITests {
    @Test func versionPrintsVersionCommitCommitDateSwiftAndSQLite() async throws {
        let result = try await LabBoxProcess.run(["version"])
        #expect(result.status == 0)
        for label in ["labbox 0.1.0", "commit:", "date:", "swift:", "sqlite:  3."] {
            #expect(result.stdout.contains(label))
        }
    }

    @Test func everyCommandHasHelp() async throws {
        for command in ["serve", "migrate", "check", "config", "version"] {
            let result = try await LabBoxProcess.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
    }

    @Test func migrateThenStatusThenCheck() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        let pending = try await LabBoxProcess.run(["migrate", "--status", "--data", data])
        #expect(pending.status == 0)
        #expect(pending.stdout.contains("0001_foundation  pending"))
        #expect(try await LabBoxProcess.run(["migrate", "--data", data]).status == 0)
        let applied = try await LabBoxProcess.run(["migrate", "--status", "--data", data])
        #expect(applied.stdout.contains("0001_foundation  applied"))
        let check = try await LabBoxProcess.run(["check", "--data", data])
        #expect(check.status == 0)
        #expect(check.stdout.contains("ok    integrity_check: ok"))
    }

    @Test func checkFailsOnAMissingDatabaseAndOnPendingMigrations() async throws {
        let directory = try TemporaryDirectory()
        let missing = try await LabBoxProcess.run(["check", "--data", directory.path])
        #expect(missing.status == 5)
        _ = try DatabaseQueue(path: directory.path + "/labbox.db")
        let unmigrated = try await LabBoxProcess.run(["check", "--data", directory.path])
        #expect(unmigrated.status == 5)
        #expect(unmigrated.stdout.contains("FAIL  migrations"))
    }

    @Test func serveRefusesADatabaseFromANewerVersionWithAClearMessage() async throws {
        let directory = try TemporaryDirectory()
        #expect(try await LabBoxProcess.run(["migrate", "--data", directory.path]).status == 0)
        let queue = try DatabaseQueue(path: directory.path + "/labbox.db")
        try await queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9000_from_the_future')")
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/labbox.db"))
        let result = try await LabBoxProcess.run(["serve", "--data", directory.path, "--port", "0"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("9000_from_the_future"))
        #expect(result.stderr.contains("newer LabBox"))
        let status = try await LabBoxProcess.run(["migrate", "--status", "--data", directory.path])
        #expect(status.status == 4)
        #expect(status.stdout.contains("9000_from_the_future  UNKNOWN TO THIS BINARY"))
        let check = try await LabBoxProcess.run(["check", "--data", directory.path])
        #expect(check.status == 5)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/labbox.db")) == before)
    }

    @Test func serveRefusesATamperedMigration() async throws {
        let directory = try TemporaryDirectory()
        #expect(try await LabBoxProcess.run(["migrate", "--data", directory.path]).status == 0)
        let queue = try DatabaseQueue(path: directory.path + "/labbox.db")
        try await queue.write { try $0.execute(sql: "UPDATE schema_checksums SET checksum = 'edited'") }
        try queue.close()
        let result = try await LabBoxProcess.run(["serve", "--data", directory.path, "--port", "0"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("checksum mismatch"))
        let status = try await LabBoxProcess.run(["migrate", "--status", "--data", directory.path])
        #expect(status.status == 4)
        #expect(status.stdout.contains("CHECKSUM MISMATCH"))
    }

    @Test func badConfigurationStopsStartWithTheKeyNamed() async throws {
        let directory = try TemporaryDirectory()
        try "[server]\nport = \"high\"\n".write(
            toFile: directory.path + "/labbox.toml", atomically: true, encoding: .utf8)
        let result = try await LabBoxProcess.run(["serve", "--data", directory.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("server.port"))
        let env = try await LabBoxProcess.run(
            ["config", "show", "--data", directory.path + "/other"], environment: ["LABBOX_NOPE": "1"])
        #expect(env.status == 3)
        #expect(env.stderr.contains("LABBOX_NOPE"))
    }

    @Test func configShowMasksSecrets() async throws {
        let directory = try TemporaryDirectory()
        let result = try await LabBoxProcess.run(
            ["config", "show", "--data", directory.path],
            environment: ["LABBOX_METRICS_TOKEN": "secret-token-for-prometheus"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("secret-token-for-prometheus"))
        #expect(result.stdout.contains("********"))
    }

    @Test func serveLogsJSONRequestLinesAndStopsCleanlyOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        let server = try RunningServer(directory: directory.path)
        let (status, body) = try await server.get("/healthz")
        #expect(status == 200)
        #expect(body == "{\"status\":\"ok\"}")
        #expect(server.terminate() == 0)
        let requestLine = try #require(
            server.logText.split(separator: "\n").first { $0.contains("\"route\":\"\\/healthz\"") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(requestLine.utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 200)
        #expect(object["method"] as? String == "GET")
        #expect((object["request_id"] as? String)?.count == 32)
        #expect(object["duration_ms"] is Double)
        #expect(server.logText.contains("shutdown complete"))
        let wal = directory.path + "/labbox-data/labbox.db-wal"
        #expect(((try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0) == 0)
    }

    @Test func serveCountsTodayOnTheLabsCalendar() async throws {
        // At any instant one of these zones is on another day than UTC (UTC+14 from 10:00 UTC,
        // UTC−11 until 11:00 UTC), so the check fails whenever "today" were UTC's.
        func day(_ zone: String) -> String {
            Date().formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: zone)!).year().month().day())
        }
        let zone = try #require(["Pacific/Kiritimati", "Pacific/Pago_Pago"].first { day($0) != day("UTC") })
        let directory = try TemporaryDirectory()
        let key = try await LabBoxProcess.run(
            ["apikey", "create", "--data", directory.path + "/labbox-data", "--name", "t", "--scopes", "admin"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try RunningServer(directory: directory.path, environment: ["LABBOX_LAB_TIMEZONE": zone])
        func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)\(path)")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            let (data, _) = try await URLSession.shared.data(for: request)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let before = day(zone)
        let donor = try await post("/api/v1/animals", ["species": "bovine", "name": "Moana", "sex": "female"])
        let session = try await post(
            "/api/v1/opu-sessions", ["donor_id": donor["id"] ?? 0, "follicles": 4, "oocytes": 3])
        #expect([before, day(zone)].contains(session["performed_on"] as? String ?? ""), "\(session)")
        #expect(server.terminate() == 0)
    }
}
