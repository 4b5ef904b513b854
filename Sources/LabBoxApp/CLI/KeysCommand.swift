import ArgumentParser
import Foundation
import LabBoxServer

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the keys that sign API access tokens.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start signing access tokens with a new key (a running server picks it up by itself).",
            discussion: """
                Tokens signed with earlier keys stay valid until those keys retire, 15 minutes from \
                now (the longest an access token lives); the next rotation after that deletes them.
                """)

        @OptionGroup var options: DataOptions

        func run() async throws {
            let kid = try await options.withIdentity { identity in
                try await identity.database.write {
                    try TokenService.rotate($0, secrets: identity.database.secrets, event: .commandLine)
                }
            }
            print("new signing key \(kid)")
        }
    }
}
