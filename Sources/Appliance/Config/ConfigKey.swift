import Foundation
import Logging

/// One setting: its TOML name (`section.key`), how to parse it into ``AppConfig`` and how to print it.
struct ConfigKey: Sendable {
    let name: String
    let summary: String
    let isSecret: Bool
    let apply: @Sendable (inout AppConfig, String) throws -> Void
    let read: @Sendable (AppConfig) -> String

    /// `server.port` is `LABBOX_SERVER_PORT` in the environment.
    var environmentName: String {
        "LABBOX_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static func lookup(_ name: String) -> ConfigKey? { all.first { $0.name == name } }

    static let all: [ConfigKey] = [
        integer("server.port", "TCP port to listen on (0 picks a free one)", 0...65535, \.port),
        .init(
            name: "server.host", summary: "address to bind; 0.0.0.0 serves the LAN", isSecret: false,
            apply: { config, value in
                guard !value.isEmpty, !value.contains(" ") else {
                    throw ConfigError(key: "server.host", message: "must be an IP address or host name")
                }
                config.host = value
            },
            read: { $0.host }),
        integer("server.max_body_bytes", "largest accepted request body", 1024...(1 << 30), \.maxBodyBytes),
        integer(
            "server.shutdown_timeout_seconds", "how long in-flight requests may run after SIGTERM", 1...300,
            \.shutdownTimeoutSeconds),
        choice("database.synchronous", "SQLite synchronous mode (full is durable on power loss)", \.synchronous),
        integer(
            "database.busy_timeout_ms", "how long a connection waits for a lock", 0...600_000,
            \.busyTimeoutMilliseconds),
        integer("database.max_readers", "concurrent read connections", 1...64, \.maxReaders),
        integer("cache.max_entries", "entries the in-memory cache keeps", 16...10_000_000, \.cacheMaxEntries),
        integer("cache.max_mb", "megabytes the in-memory cache may hold", 1...4096, \.cacheMaxMegabytes),
        .init(
            name: "log.level", summary: "trace, debug, info, notice, warning, error or critical", isSecret: false,
            apply: { config, value in
                guard let level = Logger.Level(rawValue: value) else {
                    throw ConfigError(key: "log.level", message: "unknown level '\(value)'")
                }
                config.logLevel = level
            },
            read: { $0.logLevel.rawValue }),
        choice("log.format", "json (one object per line) or text", \.logFormat),
        integer(
            "auth.session_idle_minutes", "sign a browser out after this long without a request", 5...1440,
            \.sessionIdleMinutes),
        integer(
            "auth.session_lifetime_hours", "sign a browser out this long after sign-in, active or not", 1...720,
            \.sessionLifetimeHours),
        .init(
            name: "limits.requests_per_second",
            summary: "sustained requests per client IP or API key, may be fractional (429 beyond)", isSecret: false,
            apply: { config, value in
                guard let rate = Double(value), rate > 0, rate <= 100_000 else {
                    throw ConfigError(key: "limits.requests_per_second", message: "'\(value)' is not a rate above 0")
                }
                config.requestsPerSecond = rate
            },
            read: { String($0.requestsPerSecond) }),
        integer(
            "limits.burst", "requests a client may send at once before the rate applies", 1...1_000_000, \.requestBurst),
        integer(
            "limits.logins_per_minute", "sign-in attempts per client IP per minute", 1...10_000, \.loginsPerMinute),
        integer(
            "security.auto_block_minutes", "how long an IP that trips abuse patterns stays blocked (0: never block)",
            0...10_080, \.autoBlockMinutes),
        cidrs("security.ip_allow", "only these networks may connect, e.g. 192.168.1.0/24 (empty: all)", \.ipAllow),
        cidrs("security.ip_block", "these networks may never connect", \.ipBlock),
        list(
            "security.trusted_hosts", "host names clients may use, e.g. labbox.clinic.lan, 192.168.1.20 (empty: any)",
            \.trustedHosts),
        list("lab.species", "species animals and samples may have", \.species),
        list("lab.sample_kinds", "kinds of sample", \.sampleKinds),
        list(
            "audit.reason_required",
            "entity types whose updates, deletes and status changes need a reason (signed records always do)",
            \.reasonRequired),
        list(
            "security.cors_origins",
            "origins allowed to call the API from a browser, e.g. https://lims.example (empty: none)",
            \.corsOrigins),
        choice("tls.mode", "off, files (tls.cert_file + tls.key_file) or self-signed (kept in <data>/tls)", \.tlsMode),
        path("tls.cert_file", "PEM certificate chain, for tls.mode = files", \.tlsCertFile),
        path("tls.key_file", "PEM private key, for tls.mode = files", \.tlsKeyFile),
        .init(
            name: "auth.require_2fa", summary: "admins and directors must enrol TOTP before anything else (true/false)",
            isSecret: false,
            apply: { config, value in
                guard let flag = Bool(value) else {
                    throw ConfigError(key: "auth.require_2fa", message: "'\(value)' is not true or false")
                }
                config.requireTwoFactor = flag
            },
            read: { String($0.requireTwoFactor) }),
        .init(
            name: "metrics.token", summary: "bearer token for /metrics; unset allows loopback clients only",
            isSecret: true,
            apply: { config, value in
                guard value.count >= 16 else {
                    throw ConfigError(key: "metrics.token", message: "must be at least 16 characters")
                }
                config.metricsToken = value
            },
            read: { $0.metricsToken ?? "" }),
    ]

    private static func integer(
        _ name: String, _ summary: String, _ range: ClosedRange<Int>, _ path: WritableKeyPath<AppConfig, Int> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in
                guard let number = Int(value), range.contains(number) else {
                    throw ConfigError(
                        key: name,
                        message: "'\(value)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                config[keyPath: path] = number
            },
            read: { String($0[keyPath: path]) })
    }

    private static func cidrs(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, [CIDR]> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in config[keyPath: path] = try CIDR.list(value, key: name) },
            read: { $0[keyPath: path].map(\.description).joined(separator: ", ") })
    }

    private static func path(
        _ name: String, _ summary: String, _ keyPath: WritableKeyPath<AppConfig, String?> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in
                guard FileManager.default.isReadableFile(atPath: value) else {
                    throw ConfigError(key: name, message: "cannot read '\(value)'")
                }
                config[keyPath: keyPath] = value
            },
            read: { $0[keyPath: keyPath] ?? "" })
    }

    private static func list(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, [String]> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in
                config[keyPath: path] = value.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }.filter { !$0.isEmpty }
            },
            read: { $0[keyPath: path].joined(separator: ", ") })
    }

    private static func choice<Value: RawRepresentable<String> & CaseIterable & Sendable>(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, Value> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in
                guard let parsed = Value(rawValue: value) else {
                    let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigError(key: name, message: "'\(value)' is not one of \(allowed)")
                }
                config[keyPath: path] = parsed
            },
            read: { $0[keyPath: path].rawValue })
    }
}
