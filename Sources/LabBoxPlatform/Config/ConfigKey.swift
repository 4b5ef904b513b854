import Foundation
import LabBoxValues
import Logging

/// One setting: its TOML name (`section.key`), how to parse it into ``AppConfig`` and how to print it.
package struct ConfigKey: Sendable {
    package let name: String
    package let summary: String
    package let isSecret: Bool
    package let apply: @Sendable (inout AppConfig, String) throws -> Void
    package let read: @Sendable (AppConfig) -> String

    /// `server.port` is `LABBOX_SERVER_PORT` in the environment.
    package var environmentName: String {
        "LABBOX_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    package static func lookup(_ name: String) -> ConfigKey? { all.first { $0.name == name } }

    package static let all: [ConfigKey] = [
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
            "server.idle_timeout_seconds", "close a connection that has been silent this long", 1...3600,
            \.idleTimeoutSeconds),
        integer(
            "server.shutdown_timeout_seconds", "how long in-flight requests may run after SIGTERM", 1...300,
            \.shutdownTimeoutSeconds),
        choice("database.synchronous", "SQLite synchronous mode (full is durable on power loss)", \.synchronous),
        integer(
            "database.busy_timeout_ms", "how long a connection waits for a lock", 0...600_000,
            \.busyTimeoutMilliseconds),
        choice(
            "database.checkpoints", "who checkpoints the WAL: labbox, or litestream while it replicates the database",
            \.checkpoints),
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
                    throw ConfigError(
                        key: "limits.requests_per_second",
                        message: "'\(value)' is not a rate above 0 and at most 100000")
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
        cidrs(
            "security.trusted_proxies",
            "reverse proxies in front of LabBox, e.g. 127.0.0.1/32: their X-Forwarded-For names the client (empty: none)",
            \.trustedProxies),
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
        integer("jobs.workers", "background jobs that run at once", 1...16, \.jobWorkers),
        integer(
            "jobs.retry_seconds", "wait before a failed job's first retry (doubles each time)", 0...86_400,
            \.jobRetrySeconds),
        integer("jobs.keep_days", "days finished jobs and their files are kept", 1...3650, \.jobKeepDays),
        integer("backup.keep_daily", "nightly backups kept, one per day", 0...365, \.backupKeepDaily),
        integer("backup.keep_weekly", "weekly backups kept, one per ISO week", 0...520, \.backupKeepWeekly),
        integer(
            "backup.warn_hours", "warn on the health page when the last backup is older", 1...8760, \.backupWarnHours),
        .init(
            name: "backup.encryption_key_file",
            summary:
                "file with the key that encrypts backups (32 random bytes, base64); unset: backups are not encrypted",
            isSecret: false,
            apply: { config, value in
                guard !value.isEmpty else {
                    config.backupEncryptionKeyFile = nil
                    config.backupKey = nil
                    return
                }
                do {
                    config.backupKey = try BackupKey.load(path: value)
                } catch let error as BackupError {
                    throw ConfigError(key: "backup.encryption_key_file", message: error.description)
                }
                config.backupEncryptionKeyFile = value
            },
            read: { $0.backupEncryptionKeyFile ?? "" }),
        integer(
            "attachments.max_bytes", "largest file that can be attached to a record (413 beyond)", 1024...(1 << 30),
            \.attachmentMaxBytes),
        integer(
            "storage.ln2_fill_days", "remind when a tank has had no LN2 fill for this many days", 1...90, \.ln2FillDays),
        integer(
            "genomics.max_conflict_percent",
            "a putative parent qualifies with at most this share of conflicting markers",
            0...100, \.parentage.maxConflictPercent),
        integer(
            "genomics.min_call_rate_percent",
            "parentage is decided only when every genotype calls this share of the panel",
            0...100, \.parentage.minCallRatePercent),
        integer(
            "reproduction.freezable_max_grade", "embryos of IETS quality 1 to this grade may be frozen", 1...3,
            \.reproduction.freezableMaxGrade),
        list(
            "reproduction.first_check_days",
            "species:days after transfer when the first pregnancy check is due, e.g. bovine:23, equine:7",
            \.reproduction.firstCheckDays),
        integer(
            "reproduction.synchrony_days",
            "days a recipient's cycle day may differ from the embryo's day at transfer", 0...3,
            \.reproduction.synchronyDays),
        integer(
            "reproduction.min_post_thaw_motility", "bovine semen below this post-thaw motility (%) is flagged",
            0...100, \.minPostThawMotility),
        integer(
            "results.verifications", "people (other than who entered it) who must verify a result", 1...3,
            \.verificationsRequired),
        choice(
            "results.delivery",
            "how customers without their own preference get verified results: attach, link or none",
            \.reportDelivery),
        integer("results.link_days", "days a results link sent to a customer works", 1...365, \.reportLinkDays),
        .init(
            name: "lab.public_url",
            summary: "the address browsers reach LabBox at, for links in emails, e.g. https://labbox.clinic.example",
            isSecret: false,
            apply: { config, value in
                guard value.isEmpty || value.firstMatch(of: /^https?:\/\/[^\s\/?#]+(\/[^\s?#]*)?$/) != nil else {
                    throw ConfigError(key: "lab.public_url", message: "'\(value)' is not an http(s) URL")
                }
                config.publicURL = value.isEmpty ? nil : value
            },
            read: { $0.publicURL ?? "" }),
        .init(
            name: "lab.name", summary: "the laboratory's name, printed on result reports", isSecret: false,
            apply: { config, value in config.labName = value }, read: { $0.labName }),
        .init(
            name: "lab.address", summary: "the laboratory's address line on result reports", isSecret: false,
            apply: { config, value in config.labAddress = value }, read: { $0.labAddress }),
        .init(
            name: "lab.approval_number",
            summary: "the lab's approval number as an embryo collection or production centre, on embryo certificates",
            isSecret: false,
            apply: { config, value in
                guard value.count <= 100 else {
                    throw ConfigError(key: "lab.approval_number", message: "longer than 100 characters")
                }
                config.labApprovalNumber = value
            },
            read: { $0.labApprovalNumber }),
        .init(
            name: "lab.timezone",
            summary: "IANA time zone pages and emails show times in, e.g. Europe/Berlin (default: the box's zone)",
            isSecret: false,
            apply: { config, value in
                guard let zone = LabTime.zone(named: value) else {
                    throw ConfigError(key: "lab.timezone", message: "'\(value)' is not an IANA time zone name")
                }
                config.labTime = LabTime(zone: zone, locale: config.labTime.locale)
            },
            read: { $0.labTime.zone.identifier }),
        .init(
            name: "lab.locale", summary: "language and region of dates and numbers on pages, e.g. en-GB, de-DE",
            isSecret: false,
            apply: { config, value in
                guard let locale = LabTime.locale(named: value) else {
                    throw ConfigError(key: "lab.locale", message: "'\(value)' is not a known locale such as en-GB")
                }
                config.labTime = LabTime(zone: config.labTime.zone, locale: locale)
            },
            read: { $0.labTime.locale.identifier.replacingOccurrences(of: "_", with: "-") }),
        .init(
            name: "billing.currency", summary: "the lab's currency, an ISO 4217 code (its minor-unit digits follow)",
            isSecret: false,
            apply: { config, value in
                guard let currency = Currency(value) else {
                    throw ConfigError(key: "billing.currency", message: "'\(value)' is not an ISO 4217 currency code")
                }
                config.billing.currency = currency
            },
            read: { $0.billing.currency.code }),
        choice(
            "billing.vat_rounding", "round VAT per rate (EN 16931, once per VAT group) or per line",
            \.billing.rounding),
        integer("billing.payment_days", "days from an invoice's issue to its due date", 0...365, \.billing.paymentDays),
        integer(
            "privacy.retention_years", "years without activity after which a customer's data is due for erasure",
            1...100, \.privacy.retentionYears),
        choice(
            "privacy.retention_action", "what the nightly retention job does with such a customer: off, flag or erase",
            \.privacy.retentionAction),
        integer(
            "privacy.invoice_retention_years", "years an issued invoice is kept; its customer cannot be erased sooner",
            1...30, \.privacy.invoiceRetentionYears),
        text("billing.vat_id", "the lab's VAT id, printed on invoices", \.billing.vatID),
        text("billing.iban", "the bank account (IBAN) invoices ask customers to pay to", \.billing.iban),
        text("billing.bic", "the bank's BIC, printed beside the IBAN", \.billing.bic),
        .init(
            name: "billing.dunning_days",
            summary: "days past due of each reminder level, rising, comma-separated (7,21,35: friendly, second, final)",
            isSecret: false,
            apply: { config, value in
                let days = value.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard (1...5).contains(days.count), days.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 365 }),
                    zip(days, days.dropFirst()).allSatisfy({ ($0 ?? 0) < ($1 ?? 0) })
                else {
                    throw ConfigError(
                        key: "billing.dunning_days", message: "1 to 5 rising day counts from 1 to 365, e.g. 7,21,35")
                }
                config.billing.dunningDays = days.compactMap { $0 }
            },
            read: { $0.billing.dunningDays.map(String.init).joined(separator: ",") }),
        text("billing.account_receivable", "journal export: the receivables account", \.billing.accountReceivable),
        text("billing.account_bank", "journal export: the bank account payments are booked to", \.billing.accountBank),
        text(
            "billing.account_revenue", "journal export: revenue of services without their own account",
            \.billing.accountRevenue),
        text(
            "billing.account_vat", "journal export: output VAT of rates billing.vat_accounts does not list",
            \.billing.accountVAT),
        list(
            "billing.vat_accounts", "journal export: output VAT account per rate, rate:account, e.g. 19:1776, 7:1771",
            \.billing.vatAccounts),
        cron("nightly_backup"),
        cron("retention"),
        cron("ln2_reminders"),
        cron("pregnancy_reminders"),
        cron("task_reminders"),
        cron("billing_capture"),
        cron("billing_dunning"),
        cron("billing_storage"),
        cron("reports_send"),
        cron("privacy_retention"),
        optionalText("smtp.host", "mail server for the outbox; unset keeps mail in the outbox", \.smtpHost),
        integer("smtp.port", "mail server port (587 STARTTLS, 465 TLS, 25 relay)", 1...65535, \.smtpPort),
        choice("smtp.security", "none, starttls or tls", \.smtpSecurity),
        optionalText("smtp.username", "mail server user (AUTH PLAIN)", \.smtpUsername),
        .init(
            name: "smtp.password", summary: "mail server password", isSecret: true,
            apply: { config, value in config.smtpPassword = value }, read: { $0.smtpPassword ?? "" }),
        .init(
            name: "smtp.from", summary: "sender address of LabBox's mail", isSecret: false,
            apply: { config, value in
                guard value.firstMatch(of: /^[^@\s<>]+@[^@\s<>]+$/) != nil else {
                    throw ConfigError(key: "smtp.from", message: "'\(value)' is not an email address")
                }
                config.smtpFrom = value
            },
            read: { $0.smtpFrom }),
        boolean("smtp.verify_certificate", "check the mail server's TLS certificate", \.smtpVerifyCertificate),
        integer(
            "smtp.retry_seconds", "wait before a failed email's first retry (doubles each time)", 0...86_400,
            \.smtpRetrySeconds),
        integer(
            "webhooks.retry_seconds", "wait before a failed webhook delivery's first retry (doubles each time)",
            0...86_400, \.webhookRetrySeconds),
        choice("tls.mode", "off, files (tls.cert_file + tls.key_file) or self-signed (kept in <data>/tls)", \.tlsMode),
        path("tls.cert_file", "PEM certificate chain, for tls.mode = files", \.tlsCertFile),
        path("tls.key_file", "PEM private key, for tls.mode = files", \.tlsKeyFile),
        boolean(
            "auth.require_2fa", "admins and directors must enrol TOTP before anything else (true/false)",
            \.requireTwoFactor),
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

    private static func boolean(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, Bool> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in
                guard let flag = Bool(value) else {
                    throw ConfigError(key: name, message: "'\(value)' is not true or false")
                }
                config[keyPath: path] = flag
            },
            read: { String($0[keyPath: path]) })
    }

    private static func text(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, String> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in config[keyPath: path] = value.trimmingCharacters(in: .whitespaces) },
            read: { $0[keyPath: path] })
    }

    private static func optionalText(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, String?> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in config[keyPath: path] = value.isEmpty ? nil : value },
            read: { $0[keyPath: path] ?? "" })
    }

    /// `schedule.<name>`: a cron expression for a registered schedule, overriding the admin's.
    private static func cron(_ schedule: String) -> ConfigKey {
        let name = "schedule." + schedule
        return ConfigKey(
            name: name,
            summary:
                "cron expression (local time) for the \(schedule.replacingOccurrences(of: "_", with: " ")) schedule",
            isSecret: false,
            apply: { config, value in
                do {
                    _ = try CronExpression(value)
                } catch let error as CronExpression.Invalid {
                    throw ConfigError(key: name, message: error.description)
                }
                config.schedules[schedule] = value
            },
            read: { $0.schedules[schedule] ?? "" })
    }

    private static func cidrs(
        _ name: String, _ summary: String, _ path: WritableKeyPath<AppConfig, [CIDR]> & Sendable
    ) -> ConfigKey {
        ConfigKey(
            name: name, summary: summary, isSecret: false,
            apply: { config, value in
                config[keyPath: path] = try value.split(separator: ",").map { item in
                    guard let cidr = CIDR(String(item)) else {
                        throw ConfigError(
                            key: name, message: "'\(item.trimmingCharacters(in: .whitespaces))' is not an IP network")
                    }
                    return cidr
                }
            },
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
