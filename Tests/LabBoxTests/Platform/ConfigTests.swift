import Foundation
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct ConfigTests {
    @Test func defaultsApplyWithoutAnyFile() throws {
        let directory = try TemporaryDirectory()
        let config = try ConfigLoader.load(dataDirectory: directory.path, configFile: nil, environment: [:])
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.synchronous == .full)
        #expect(config.maxBodyBytes == 10 * 1024 * 1024)
    }

    @Test func fileIsOverriddenByEnvironmentWhichIsOverriddenByFlags() throws {
        let directory = try TemporaryDirectory()
        try """
        [server]
        port = 9000
        host = "0.0.0.0"
        [log]
        level = "debug"
        """.write(toFile: directory.path + "/labbox.toml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(
            dataDirectory: directory.path, configFile: nil,
            environment: ["LABBOX_SERVER_PORT": "9100", "LABBOX_LOG_LEVEL": "warning"],
            flags: ["server.port": "9200"])
        #expect(config.port == 9200)
        #expect(config.sources["server.port"] == .flag)
        #expect(config.logLevel == .warning)
        #expect(config.sources["log.level"] == .environment)
        #expect(config.host == "0.0.0.0")
        #expect(config.sources["server.host"] == .file)
    }

    @Test func unknownFileKeyIsAnErrorNamingIt() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/custom.toml"
        try "[server]\nprot = 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(dataDirectory: directory.path, configFile: file, environment: [:])
        }
        #expect(error?.key == "server.prot")
    }

    @Test func badValuesAreErrorsNamingTheKey() throws {
        let directory = try TemporaryDirectory()
        let cases: [([String: String], String)] = [
            (["LABBOX_SERVER_PORT": "eighty"], "server.port"),
            (["LABBOX_SERVER_PORT": "70000"], "server.port"),
            (["LABBOX_DATABASE_SYNCHRONOUS": "off"], "database.synchronous"),
            (["LABBOX_LOG_LEVEL": "loud"], "log.level"),
            (["LABBOX_SERVR_PORT": "1"], "LABBOX_SERVR_PORT"),
        ]
        for (environment, key) in cases {
            let error = #expect(throws: ConfigError.self) {
                try ConfigLoader.load(dataDirectory: directory.path, configFile: nil, environment: environment)
            }
            #expect(error?.key == key)
        }
    }

    @Test func malformedTomlAndMissingExplicitFileAreErrors() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/broken.toml"
        try "[server\nport = ".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(dataDirectory: directory.path, configFile: file, environment: [:])
        }
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(
                dataDirectory: directory.path, configFile: directory.path + "/none.toml", environment: [:])
        }
    }

    @Test func showMasksSecretsAndNamesSources() throws {
        let directory = try TemporaryDirectory()
        let config = try ConfigLoader.load(
            dataDirectory: directory.path, configFile: nil,
            environment: ["LABBOX_METRICS_TOKEN": "a-very-secret-scrape-token"])
        let shown = ConfigLoader.render(config)
        #expect(!shown.contains("a-very-secret-scrape-token"))
        #expect(shown.contains("token = \"********\"  # env"))
        #expect(shown.contains("port = 8080  # default"))
    }
}
