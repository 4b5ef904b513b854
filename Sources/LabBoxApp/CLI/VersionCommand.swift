import Appliance
import ArgumentParser

package struct VersionCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version, commit, build date, Swift and SQLite versions.")

    package func run() {
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
