import ArgumentParser
import Foundation
import LabBoxPlatform
import LabBoxServer

/// `--data` and `--config`, which every command that touches a data directory takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (database, attachments, backups). Env: LABBOX_DATA.")
    var data: String?

    @Option(name: .long, help: "TOML config file. Default: <data>/labbox.toml when present. Env: LABBOX_CONFIG.")
    var config: String?

    /// Loads the effective configuration; a bad setting ends the command with a message naming it.
    func load(flags: [String: String] = [:]) throws -> AppConfig {
        do {
            return try ConfigLoader.load(dataDirectory: data, configFile: config, flags: flags)
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitStatus.configInvalid
        }
    }

    /// Opens (creating the directory tree if needed) and migrates the database, or exits with a
    /// clear message when this binary must not touch it: a damaged file, or one from a newer
    /// LabBox or with an altered history.
    func openDatabase(_ config: AppConfig) throws -> AppDatabase {
        let files = FileManager.default
        for directory in [config.dataDirectory, config.attachmentsDirectory, config.backupsDirectory] {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Unchanged since LabBox last closed it cleanly: the start it was checked on still holds.
        if files.fileExists(atPath: config.databasePath), !CleanClose.isUnchanged(config.databasePath),
            let damage = IntegrityCheck.damage(path: config.databasePath)
        {
            printError(
                "refusing to start: the database file \(config.databasePath) is damaged (\(damage)). Nothing "
                    + "was changed. \(IntegrityCheck.restoreAdvice)")
            throw ExitStatus.databaseRefused
        }
        do {
            try Migrations.embedded.assertCompatible(databaseAt: config.databasePath)
            let database = try AppDatabase(path: config.databasePath, config: config)
            let applied = try database.migrations.apply(to: database.pool, backupDirectory: config.backupsDirectory)
            if !applied.isEmpty {
                printError("applied migrations: \(applied.joined(separator: ", "))")
            }
            let sealed = try database.pool.write { try TwoFactor.sealPlainSecrets($0, secrets: database.secrets) }
            if sealed > 0 { printError("sealed \(sealed) second-factor secrets with \(SecretBox.fileName)") }
            return database
        } catch let error as MigrationError {
            printError("refusing to start: \(error.description)")
            throw ExitStatus.databaseRefused
        }
    }
}

extension DataOptions {
    /// Runs `body` with the identity services of the data directory, closing the database after.
    func withIdentity<T>(_ body: (Identity) async throws -> T) async throws -> T {
        let config = try load()
        let database = try openDatabase(config)
        defer { try? database.close() }
        return try await cliErrors { try await body(Identity(database: database, config: config)) }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("labbox: " + message + "\n").utf8))
}
