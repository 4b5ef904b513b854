import LabBoxValues
import Logging

/// The effective configuration of one LabBox process.
///
/// Every setting is declared once in ``ConfigKey/all``; files, environment variables and flags only
/// ever name those keys, so the three layers cannot drift apart.
package struct AppConfig: Sendable {
    package enum LogFormat: String, Sendable, CaseIterable { case json, text }
    package enum Synchronous: String, Sendable, CaseIterable { case full, normal }
    /// Who copies the WAL into the database file: LabBox's ``Checkpointer``, or Litestream while it
    /// replicates the database (it must see every frame before the WAL restarts).
    package enum Checkpoints: String, Sendable, CaseIterable { case labbox, litestream }
    package enum TLSMode: String, Sendable, CaseIterable {
        case off, files
        case selfSigned = "self-signed"
    }

    package var dataDirectory = "./labbox-data"
    package var host = "127.0.0.1"
    package var port = 8080
    package var maxBodyBytes = 10 * 1024 * 1024
    /// The largest file an attachment may be; a `multipart/form-data` upload may be this large
    /// (plus its framing) whatever `server.max_body_bytes` says.
    package var attachmentMaxBytes = 25 * 1024 * 1024
    /// A connection that sends and receives nothing this long is closed, so slow or abandoned
    /// clients cannot hold every file handle.
    package var idleTimeoutSeconds = 60
    package var shutdownTimeoutSeconds = 10
    package var synchronous = Synchronous.full
    package var busyTimeoutMilliseconds = 5000
    package var checkpoints = Checkpoints.labbox
    package var maxReaders = 8
    package var logLevel = Logger.Level.info
    package var logFormat = LogFormat.json
    package var metricsToken: String?
    package var sessionIdleMinutes = 60
    package var sessionLifetimeHours = 12
    package var requireTwoFactor = false
    package var requestsPerSecond = 20.0
    package var requestBurst = 100
    package var loginsPerMinute = 10
    package var autoBlockMinutes = 15
    package var ipAllow: [CIDR] = []
    package var ipBlock: [CIDR] = []
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    package var trustedProxies: [CIDR] = []
    package var trustedHosts: [String] = []
    package var corsOrigins: [String] = []
    package var species = ["bovine", "equine", "ovine", "caprine", "porcine", "canine", "feline", "human"]
    package var sampleKinds = ["semen", "oocyte", "embryo", "blood", "tissue", "dna"]
    /// Lab results, embryos, straws and samples are regulated records by default.
    package var reasonRequired = ["sample", "straw", "embryo", "result"]
    package var cacheMaxEntries = 10_000
    package var cacheMaxMegabytes = 32
    package var jobWorkers = 2
    package var jobRetrySeconds = 30
    package var jobKeepDays = 30
    package var backupKeepDaily = 7
    package var backupKeepWeekly = 4
    package var backupWarnHours = 36
    /// `backup.encryption_key_file` and the key read from it when the setting was applied, so a
    /// missing or malformed key stops a command or the server at start, not the nightly backup.
    package var backupEncryptionKeyFile: String?
    package var backupKey: BackupKey?
    package var ln2FillDays = 7
    package var parentage = ParentageThresholds()
    package var reproduction = ReproductionSettings()
    package var billing = BillingSettings()
    package var privacy = PrivacySettings()
    package var minPostThawMotility = 30
    /// How many people other than the one who entered a result must verify it.
    package var verificationsRequired = 1
    /// The letterhead of result reports.
    package var labName = "LabBox laboratory"
    package var labAddress = ""
    /// The freezing centre's approval (EU/IETS embryo collection or production team) number,
    /// printed on embryo certificates; none is issued while it is empty.
    package var labApprovalNumber = ""
    /// Where browsers reach LabBox (`lab.public_url`), the base of links sent by email.
    package var publicURL: String?
    /// How a customer without a preference of their own receives verified results.
    package var reportDelivery = ReportDelivery.attach
    /// How many days a results link works.
    package var reportLinkDays = 30
    /// The zone and locale every page and email shows times in (`lab.timezone`, `lab.locale`).
    package var labTime = LabTime()
    /// Cron expressions set for registered schedules (`schedule.<name>`).
    package var schedules: [String: String] = [:]
    package var smtpHost: String?
    package var smtpPort = 587
    package var smtpSecurity = SMTPSettings.Security.starttls
    package var smtpUsername: String?
    package var smtpPassword: String?
    package var smtpFrom = "labbox@localhost"
    package var smtpVerifyCertificate = true
    package var smtpRetrySeconds = 60
    package var webhookRetrySeconds = 30
    package var tlsMode = TLSMode.off
    package var tlsCertFile: String?
    package var tlsKeyFile: String?

    /// The built-in defaults; ``ConfigLoader`` applies the file, environment and flags on top.
    package init() {}

    /// Where each effective value came from, for `labbox config show`.
    package var sources: [String: ConfigSource] = [:]

    package var databasePath: String { dataDirectory + "/labbox.db" }

    /// The base of links LabBox sends by email: `lab.public_url`, else the first trusted host. Nil
    /// when neither is set: a link built from the request's `Host` header could be poisoned
    /// (someone asks for a reset link for another person's account, naming their own host).
    package var linkBase: String? {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        return trustedHosts.first.map { "\(tlsMode == .off ? "http" : "https")://\($0)" }
    }
    package var attachmentsDirectory: String { dataDirectory + "/attachments" }
    package var backupsDirectory: String { dataDirectory + "/backups" }

    /// Mail delivery settings, or nil when `smtp.host` is not set.
    package var smtp: SMTPSettings? {
        smtpHost.map { host in
            SMTPSettings(
                host: host, port: smtpPort, security: smtpSecurity, username: smtpUsername, password: smtpPassword,
                from: smtpFrom, verifyCertificate: smtpVerifyCertificate)
        }
    }
}

package enum ConfigSource: String, Sendable {
    case defaultValue = "default"
    case file
    case environment = "env"
    case flag
}

package struct ConfigError: Error, CustomStringConvertible {
    package let key: String
    package let message: String
    package var description: String { "configuration error: \(key): \(message)" }

    package init(key: String, message: String) {
        self.key = key
        self.message = message
    }
}
