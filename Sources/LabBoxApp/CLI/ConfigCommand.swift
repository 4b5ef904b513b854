import ArgumentParser
import LabBoxPlatform

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the configuration.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (file < LABBOX_* environment < flags), secrets masked.")

        @OptionGroup var options: DataOptions

        func run() throws {
            print(ConfigLoader.render(try options.load()), terminator: "")
        }
    }
}
