import ArgumentParser
import Foundation
import LabBoxPlatform

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration and the database (integrity, foreign keys, migrations).",
        discussion: "Prints one line per check and exits non-zero when any fails. Changes nothing.")

    @OptionGroup var options: DataOptions

    func run() throws {
        let config = try options.load()
        print("ok    config: valid (\(config.dataDirectory))")
        guard FileManager.default.fileExists(atPath: config.databasePath) else {
            print("FAIL  database: \(config.databasePath) does not exist")
            throw ExitStatus.checkFailed
        }
        let findings = try IntegrityCheck.run(path: config.databasePath)
        for finding in findings {
            print("\(finding.ok ? "ok  " : "FAIL")  \(finding.name): \(finding.detail)")
        }
        if findings.contains(where: { $0.name == "integrity_check" && !$0.ok }) {
            print("the database file is damaged. \(IntegrityCheck.restoreAdvice)")
        }
        if findings.contains(where: { !$0.ok }) { throw ExitStatus.checkFailed }
    }
}
