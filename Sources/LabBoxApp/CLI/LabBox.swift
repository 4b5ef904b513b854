import ArgumentParser

/// The `labbox` command; `Sources/labbox/LabBoxMain.swift` runs it.
public struct LabBox: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "labbox",
        abstract: "LabBox: the reproduction lab and biobank system in one binary.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, CheckCommand.self, ConfigCommand.self, UserCommand.self,
            APIKeyCommand.self, KeysCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self,
            DemoDataCommand.self, VersionCommand.self,
        ]
    )

    public init() {}
}

/// Exit codes shared by every subcommand, documented in the README.
enum ExitStatus {
    static let configInvalid = ExitCode(3)
    static let databaseRefused = ExitCode(4)
    static let checkFailed = ExitCode(5)
}
