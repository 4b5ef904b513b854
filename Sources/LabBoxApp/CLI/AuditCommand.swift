import ArgumentParser
import Foundation
import GRDB
import LabBoxPlatform

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify and archive the tamper-evident audit trail.",
        subcommands: [Verify.self, Archive.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit hash chain; exit 5 at the first event that does not verify.",
            discussion: """
                Prints OK with the number of events and the head hash (write it down or send it off-site: \
                a later verify that reaches the same head proves nothing before it changed). Read-only. \
                With --archive, verifies a file written by `labbox audit archive` instead.
                """)

        @OptionGroup var options: DataOptions
        @Option(help: "An archive file to verify instead of the database.") var archive: String?

        func run() throws {
            if let archive {
                do {
                    let (header, sha) = try AuditArchive.verify(file: archive)
                    print(
                        "OK archive: \(header.count) events \(header.firstSeq)–\(header.throughSeq), head \(header.headHash), file sha256 \(sha)"
                    )
                } catch let error as AuditArchive.Failure {
                    print("BROKEN archive: \(error.description)")
                    throw ExitStatus.checkFailed
                }
                return
            }
            let config = try options.load()
            let result = try AppDatabase.inspect(path: config.databasePath) { try AuditTrail.verify($0) }
            if let problem = result.problem {
                print(result.broken.map { "BROKEN at event \($0.seq): \($0.problem)" } ?? "BROKEN: \(problem)")
                throw ExitStatus.checkFailed
            }
            let archived = result.archivedThrough > 0 ? " (events up to \(result.archivedThrough) archived)" : ""
            print("OK \(result.count) events, head \(result.headHash)\(archived)")
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move audit events older than a date into a sealed file, keeping the chain verifiable.",
            discussion: """
                Writes <data>/backups/audit-archive-<through>.jsonl (or --to), then leaves an anchor and an \
                audit.archive event holding the file's SHA-256. Keep the file: it is the only copy of those events.
                """)

        @OptionGroup var options: DataOptions
        @Option(help: "Archive events before this date (YYYY-MM-DD, UTC).") package var before: String
        @Option(help: "The archive file to write.") var to: String?

        func run() async throws {
            guard let date = try? Date(before, strategy: Date.ISO8601FormatStyle().year().month().day()) else {
                printError("--before must be a date like 2025-01-01")
                throw ExitCode.validationFailure
            }
            let config = try options.load()
            let database = try options.openDatabase(config)
            defer { try? database.close() }
            let path = to ?? config.backupsDirectory + "/audit-archive-\(before).jsonl"
            do {
                let result = try await AuditArchive.archive(database, before: date, to: path, context: .commandLine)
                print(
                    "archived \(result.header.count) events (\(result.header.firstSeq)–\(result.header.throughSeq)) to \(result.file)"
                )
                print("file sha256 \(result.sha256), head \(result.header.headHash)")
            } catch let error as AuditArchive.Failure {
                printError(error.description)
                throw ExitStatus.checkFailed
            }
        }
    }
}
