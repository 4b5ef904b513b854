import ArgumentParser
import LabBoxPlatform

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version, commit, build date, Swift and SQLite versions.")

    func run() {
        print(
            """
            labbox \(BuildInfo.version)
            commit:  \(BuildInfo.commit)
            built:   \(BuildInfo.builtAt)
            swift:   \(BuildInfo.swiftVersion)
            sqlite:  \(BuildInfo.sqliteVersion)
            """)
    }
}
