import Foundation
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import Testing

/// The gauges monitoring alerts on, and the Grafana dashboard and alert rules in `packaging/`:
/// every LabBox metric they name must be in `/metrics`, so they cannot drift from the code.
/// The gauges are process-wide, so these tests take turns.
@Suite(.serialized) struct MonitoringTests {
    /// `/metrics` after a sample of the gauges and traffic of each kind the dashboard plots: reads,
    /// writes, an error.
    private static func exposition(_ server: TestServer) async throws -> String {
        await HealthGauges(database: server.services.database, backups: server.services.backups).sample()
        try await addSamples(server, 5, prefix: "M-\(UUID().uuidString)")
        return try await server.test { client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await client.execute(uri: "/api/v1/samples/999999", method: .get)
            return try await client.execute(uri: "/metrics", method: .get).text
        }
    }

    /// The value of the unlabelled series `name`.
    private static func value(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    /// `/metrics` once `settled` holds: a server that runs in this process for another test
    /// (LifecycleTests) samples the same process-wide gauges for its own directory now and then.
    private static func exposition(_ server: TestServer, settled: (String) -> Bool) async throws -> String {
        var text = ""
        _ = try await poll(every: .milliseconds(20)) { () async throws -> Bool? in
            text = try await exposition(server)
            return settled(text) ? true : nil
        }
        return text
    }

    @Test func theGaugesDescribeTheDataDirectoryTheLastBackupAndReadiness() async throws {
        let server = try TestServer()
        let before = try await Self.exposition(server) {
            Self.value("labbox_backup_last_success_timestamp_seconds", in: $0) == 0
        }
        #expect(Self.value("labbox_backup_last_success_timestamp_seconds", in: before) == 0)

        let created = try await server.services.backups.create()
        let written = try #require(
            try FileManager.default.attributesOfItem(atPath: created.archive.path)[.modificationDate] as? Date)
        let text = try await Self.exposition(server) {
            abs(
                (Self.value("labbox_backup_last_success_timestamp_seconds", in: $0) ?? 0)
                    - written.timeIntervalSince1970)
                < 1
        }
        let stamp = try #require(Self.value("labbox_backup_last_success_timestamp_seconds", in: text))
        #expect(abs(stamp - written.timeIntervalSince1970) < 1)
        #expect(Self.value("labbox_backup_last_size_bytes", in: text) == Double(created.bytes))
        #expect(try #require(Self.value("labbox_db_size_bytes", in: text)) > 0)
        #expect(try #require(Self.value("labbox_db_wal_size_bytes", in: text)) > 0)
        let free = try #require(Self.value("labbox_data_filesystem_free_bytes", in: text))
        let size = try #require(Self.value("labbox_data_filesystem_size_bytes", in: text))
        #expect(free > 0 && free <= size)
        // The gauge is the process's: tests that fill or freeze their disk at the same time set it
        // to 0, so only its presence is this test's to check (`/readyz` tests check its meaning).
        #expect([0, 1].contains(try #require(Self.value("labbox_ready", in: text))))
    }

    @Test func everyMetricTheDashboardAndTheAlertRulesNameIsExported() async throws {
        let text = try await Self.exposition(try TestServer())
        let exported = Set(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
                String($0.prefix { $0 != "{" && $0 != " " })
            })
        for file in ["packaging/grafana-labbox.json", "packaging/labbox-alerts.yml"] {
            let content = try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
            // Prometheus's own `up` and Litestream's metrics (checked by scripts/test-replication) aside.
            let named = Set(content.matches(of: /\b(?:labbox|hb|http_server)_[a-z0-9_]+/).map { String($0.output) })
            #expect(named.count >= 5, "\(file)")
            for name in named.sorted() {
                #expect(exported.contains(name), "\(file) names \(name), which /metrics does not export")
            }
        }
    }

    @Test func theDashboardImportsWithTheDataSourceAsAVariable() throws {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("packaging/grafana-labbox.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let variables = try #require((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        #expect(variables.contains { $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource" })
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == panels.count)
        for panel in panels where panel["type"] as? String != "row" {
            #expect((panel["datasource"] as? [String: String])?["uid"] == "${datasource}", "\(panel["title"] ?? "")")
            let targets = try #require(panel["targets"] as? [[String: Any]])
            #expect(!targets.isEmpty && targets.allSatisfy { !($0["expr"] as? String ?? "").isEmpty })
        }
    }

    /// The rules file is YAML Prometheus loads: groups of rules, each with a name, an expression
    /// and a summary.
    @Test func theAlertRulesAreWellFormed() async throws {
        let python = ProcessInfo.processInfo.environment["LABBOX_TEST_PYTHON"] ?? "/usr/bin/python3"
        let check = """
            import sys, yaml
            rules = [r for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"]]
            assert len(rules) >= 8, len(rules)
            for r in rules:
                assert r["alert"] and r["expr"] and r["annotations"]["summary"], r
            """
        let result = try await LabBoxProcess.run(
            ["-c", check, packageRoot.appendingPathComponent("packaging/labbox-alerts.yml").path], binary: python)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
