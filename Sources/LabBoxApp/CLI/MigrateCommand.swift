import ArgumentParser
import Foundation
import LabBoxPlatform

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (serve does this at start), or show their status.")

    @OptionGroup var options: DataOptions

    @Flag(help: "Only list each migration and whether it is applied, pending or in conflict.")
    var status = false

    func run() throws {
        let config = try options.load()
        if !status {
            try options.openDatabase(config).close()
        }
        let statuses = try Migrations.embedded.status(databaseAt: config.databasePath)
        for item in statuses {
            print("\(item.id)  \(item.state.rawValue)\(item.appliedAt.map { "  \($0)" } ?? "")")
        }
        if statuses.contains(where: { $0.state == .changed || $0.state == .unknown }) {
            throw ExitStatus.databaseRefused
        }
    }
}
