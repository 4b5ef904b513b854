import Foundation
import TOMLKit

/// Builds ``AppConfig`` from defaults < TOML file < `LABBOX_*` environment < command-line flags.
package enum ConfigLoader {
    /// Environment variables that are not settings: they locate the data and the file itself.
    package static let locationVariables: Set<String> = ["LABBOX_DATA", "LABBOX_CONFIG"]

    package static func load(
        dataDirectory: String?,
        configFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        flags: [String: String] = [:]
    ) throws -> AppConfig {
        var config = AppConfig()
        config.dataDirectory = dataDirectory ?? environment["LABBOX_DATA"] ?? config.dataDirectory
        for key in ConfigKey.all { config.sources[key.name] = .defaultValue }

        let explicitFile = configFile ?? environment["LABBOX_CONFIG"]
        let file = explicitFile ?? config.dataDirectory + "/labbox.toml"
        if FileManager.default.fileExists(atPath: file) {
            for (name, value) in try fileValues(path: file) {
                try set(name, value, source: .file, in: &config)
            }
        } else if explicitFile != nil {
            throw ConfigError(key: "--config", message: "file '\(file)' does not exist")
        }

        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("LABBOX_") {
            if locationVariables.contains(variable) { continue }
            guard let key = ConfigKey.all.first(where: { $0.environmentName == variable }) else {
                throw ConfigError(key: variable, message: "unknown environment variable")
            }
            try set(key.name, value, source: .environment, in: &config)
        }
        for (name, value) in flags.sorted(by: { $0.key < $1.key }) {
            try set(name, value, source: .flag, in: &config)
        }
        return config
    }

    private static func set(_ name: String, _ value: String, source: ConfigSource, in config: inout AppConfig) throws {
        guard let key = ConfigKey.lookup(name) else {
            throw ConfigError(key: name, message: "unknown setting")
        }
        try key.apply(&config, value)
        config.sources[name] = source
    }

    /// Flattens `[section] key = value` into `section.key` → text, refusing nested tables and arrays.
    package static func fileValues(path: String) throws -> [(String, String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: path, message: "cannot read the file")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(
                key: path, message: "line \(error.source.begin.line): \(error.description)")
        }
        var values: [(String, String)] = []
        for section in table.keys.sorted() {
            guard let inner = table[section]?.table else {
                throw ConfigError(key: section, message: "settings belong in a [section], e.g. [server]")
            }
            for key in inner.keys.sorted() {
                let name = section + "." + key
                guard let value = inner[key] else { continue }
                if let string = value.string {
                    values.append((name, string))
                } else if let int = value.int {
                    values.append((name, String(int)))
                } else if let bool = value.bool {
                    values.append((name, String(bool)))
                } else {
                    throw ConfigError(key: name, message: "must be a string, integer or boolean")
                }
            }
        }
        return values
    }

    /// The effective configuration as TOML, secrets masked, each line saying where its value came from.
    package static func render(_ config: AppConfig) -> String {
        var lines = ["# data directory: \(config.dataDirectory)"]
        var currentSection = ""
        for key in ConfigKey.all {
            let parts = key.name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts[0] != currentSection {
                currentSection = parts[0]
                lines.append("\n[\(currentSection)]")
            }
            let raw = key.read(config)
            let shown = key.isSecret && !raw.isEmpty ? "********" : raw
            let literal = Int(shown) != nil ? shown : "\"\(shown)\""
            let source = config.sources[key.name]?.rawValue ?? "default"
            lines.append("\(parts[1]) = \(literal)  # \(source); \(key.summary)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
