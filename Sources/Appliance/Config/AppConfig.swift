import Logging

/// The effective configuration of one LabBox process.
///
/// Every setting is declared once in ``ConfigKey/all``; files, environment variables and flags only
/// ever name those keys, so the three layers cannot drift apart.
struct AppConfig: Sendable {
    enum LogFormat: String, Sendable, CaseIterable { case json, text }
    enum Synchronous: String, Sendable, CaseIterable { case full, normal }
    enum TLSMode: String, Sendable, CaseIterable {
        case off, files
        case selfSigned = "self-signed"
    }

    var dataDirectory = "./labbox-data"
    var host = "127.0.0.1"
    var port = 8080
    var maxBodyBytes = 10 * 1024 * 1024
    var shutdownTimeoutSeconds = 10
    var synchronous = Synchronous.full
    var busyTimeoutMilliseconds = 5000
    var maxReaders = 8
    var logLevel = Logger.Level.info
    var logFormat = LogFormat.json
    var metricsToken: String?
    var sessionIdleMinutes = 60
    var sessionLifetimeHours = 12
    var requireTwoFactor = false
    var requestsPerSecond = 20.0
    var requestBurst = 100
    var loginsPerMinute = 10
    var autoBlockMinutes = 15
    var ipAllow: [CIDR] = []
    var ipBlock: [CIDR] = []
    var trustedHosts: [String] = []
    var corsOrigins: [String] = []
    var species = ["bovine", "equine", "ovine", "caprine", "porcine", "canine", "feline", "human"]
    var sampleKinds = ["semen", "oocyte", "embryo", "blood", "tissue", "dna"]
    /// Lab results, embryos, straws and samples are regulated records by default.
    var reasonRequired = ["sample", "straw", "embryo", "result"]
    var cacheMaxEntries = 10_000
    var cacheMaxMegabytes = 32
    var jobWorkers = 2
    var jobRetrySeconds = 30
    var jobKeepDays = 30
    var backupKeepDaily = 7
    var backupKeepWeekly = 4
    var backupWarnHours = 36
    var ln2FillDays = 7
    var parentage = Parentage.Thresholds()
    var reproduction = ReproductionSettings()
    var minPostThawMotility = 30
    /// How many people other than the one who entered a result must verify it.
    var verificationsRequired = 1
    /// The letterhead of result reports.
    var labName = "LabBox laboratory"
    var labAddress = ""
    /// Cron expressions set for registered schedules (`schedule.<name>`).
    var schedules: [String: String] = [:]
    var smtpHost: String?
    var smtpPort = 587
    var smtpSecurity = SMTPSettings.Security.starttls
    var smtpUsername: String?
    var smtpPassword: String?
    var smtpFrom = "labbox@localhost"
    var smtpVerifyCertificate = true
    var smtpRetrySeconds = 60
    var tlsMode = TLSMode.off
    var tlsCertFile: String?
    var tlsKeyFile: String?

    /// Where each effective value came from, for `labbox config show`.
    var sources: [String: ConfigSource] = [:]

    var databasePath: String { dataDirectory + "/labbox.db" }
    var attachmentsDirectory: String { dataDirectory + "/attachments" }
    var backupsDirectory: String { dataDirectory + "/backups" }

    /// Mail delivery settings, or nil when `smtp.host` is not set.
    var smtp: SMTPSettings? {
        smtpHost.map { host in
            SMTPSettings(
                host: host, port: smtpPort, security: smtpSecurity, username: smtpUsername, password: smtpPassword,
                from: smtpFrom, verifyCertificate: smtpVerifyCertificate)
        }
    }
}

enum ConfigSource: String, Sendable {
    case defaultValue = "default"
    case file
    case environment = "env"
    case flag
}

struct ConfigError: Error, CustomStringConvertible {
    let key: String
    let message: String
    var description: String { "configuration error: \(key): \(message)" }
}
