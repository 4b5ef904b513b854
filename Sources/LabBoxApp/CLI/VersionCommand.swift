import ArgumentParser
import LabBoxPlatform

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version, the commit and its date, the Swift and SQLite versions.")

    func run() {
        print(
            """
            labbox \(BuildInfo.version)
            commit:  \(BuildInfo.commit)
            date:    \(BuildInfo.commitDate)
            swift:   \(BuildInfo.swiftVersion)
            sqlite:  \(BuildInfo.sqliteVersion)
            """)
    }
}
