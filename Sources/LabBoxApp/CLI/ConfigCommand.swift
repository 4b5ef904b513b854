import Appliance
import ArgumentParser

package struct ConfigCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the configuration.", subcommands: [Show.self])

    package struct Show: ParsableCommand {
        package static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (file < LABBOX_* environment < flags), secrets masked.")

        @OptionGroup package var options: DataOptions

        package func run() throws {
            print(ConfigLoader.render(try options.load()), terminator: "")
        }
    }
}
