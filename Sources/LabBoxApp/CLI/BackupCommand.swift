import ArgumentParser
import Foundation
import LabBoxPlatform

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write or verify an online backup (database, attachments, manifest).",
        subcommands: [Create.self, Verify.self], defaultSubcommand: Create.self)

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Write a consistent .tar.gz backup while the server keeps running.",
            discussion: """
                The database is copied from one snapshot (VACUUM INTO on a WAL reader), so writers are not \
                held up. Default destination: <data>/backups/labbox-<UTC time>.tar.gz, encrypted into \
                ….tar.gz.enc when backup.encryption_key_file is set. Prints the file and its manifest summary.
                """)

        @OptionGroup var options: DataOptions
        @Option(help: "The archive file to write.") var to: String?

        func run() async throws {
            let config = try options.load()
            let database = try options.openDatabase(config)
            defer { try? database.close(checkpoint: .passive) }
            let backups = Backups(database: database, dataDirectory: config.dataDirectory, key: config.backupKey)
            let created = try await backups.create(to: to.map { URL(fileURLWithPath: $0) })
            let rows = created.manifest.rowCounts.values.reduce(0, +)
            print(
                "OK \(created.archive.path) (\(created.bytes) bytes): schema \(created.manifest.schemaVersion), "
                    + "\(rows) rows, audit head \(created.manifest.auditHeadHash)"
                    + (config.backupKey.map { ", encrypted with the key \($0.fingerprint)" } ?? ""))
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup archive; exit 5 when any check fails.",
            discussion: """
                Unpacks beside the archive (removed afterwards) and checks each file's SHA-256 against the \
                manifest, SQLite's integrity_check, the audit chain and its head hash, row counts and schema. \
                An encrypted archive needs the key it was made with (backup.encryption_key_file, from the \
                config file or LABBOX_BACKUP_ENCRYPTION_KEY_FILE) and must authenticate to its last byte.
                """)

        @OptionGroup var options: DataOptions
        @Argument(help: "The .tar.gz or .tar.gz.enc archive to verify.") var file: String

        func run() throws {
            let config = try options.load()
            let report = BackupCheck.verify(URL(fileURLWithPath: file), key: config.backupKey)
            for check in report.checks {
                print("\(check.passed ? "ok  " : "FAIL") \(check.name): \(check.detail)")
            }
            guard report.passed else { throw ExitStatus.checkFailed }
            print("OK \(file)")
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup archive into the data directory (server stopped).",
        discussion: """
            Verifies the archive before touching anything (an encrypted one with backup.encryption_key_file, \
            which must be the key it was made with). Refuses while a server uses the directory, when \
            the directory already holds data (unless --force, which renames it to <data>.replaced-<time>), \
            and when the backup comes from a newer LabBox. An older backup is migrated to this version.
            """)

    @OptionGroup var options: DataOptions
    @Argument(help: "The .tar.gz or .tar.gz.enc archive to restore.") var file: String
    @Flag(help: "Move existing data aside instead of refusing.") var force = false

    func run() async throws {
        let config = try options.load()
        let replaced: URL?
        do {
            replaced = try BackupCheck.restore(
                URL(fileURLWithPath: file), key: config.backupKey, into: URL(fileURLWithPath: config.dataDirectory),
                force: force)
        } catch let error as BackupCheck.RestoreError {
            printError("restore refused: \(error.description)")
            throw ExitStatus.databaseRefused
        }
        let database = try options.openDatabase(config)
        try database.close()
        if let replaced { print("The previous data directory was moved to \(replaced.path)") }
        print("OK restored \(file) into \(config.dataDirectory)")
    }
}
