import ArgumentParser
import Foundation
import LabBoxServer
import LabBoxValues

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print only the key on stdout, for scripts. It is shown this once.")

        @OptionGroup var options: DataOptions
        @Option(help: "What the key is for.") var name: String
        @Option(help: "Comma-separated scopes, e.g. samples:read,samples:write or admin.") var scopes: String
        @Option(help: "Owner's email (optional).") package var user: String?
        @Option(help: "Expiry date, YYYY-MM-DD (optional).") package var expires: String?

        func run() async throws {
            var expiry: Date?
            if let expires {
                guard let date = try? Date(expires + "T00:00:00Z", strategy: .iso8601) else {
                    throw ValidationError("--expires must be a date like 2027-12-31")
                }
                expiry = date
            }
            try await options.withIdentity { identity in
                var owner: User?
                if let user {
                    guard let found = try await identity.users.user(email: user) else {
                        throw APIError.notFound("No user with the email \(user).")
                    }
                    owner = found
                }
                let created = try await identity.apiKeys.create(
                    name: name,
                    scopes: Set(scopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }),
                    owner: owner, expiresAt: expiry, by: nil, event: .commandLine)
                print(created.secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let keys = try await options.withIdentity { try await $0.apiKeys.list(ownedBy: nil) }
            print("id\tprefix\tname\tscopes\texpires\tlast used\tstate")
            for key in keys {
                let state = key.revokedAt == nil ? "active" : "revoked"
                print(
                    "\(key.id ?? 0)\t\(APIKey.keyPrefix)\(key.prefix)\t\(key.name)\t\(key.scopes)\t"
                        + "\(key.expiresAt?.formatted(.iso8601) ?? "-")\t\(key.lastUsedAt?.formatted(.iso8601) ?? "-")\t\(state)"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The key's id (see apikey list).") package var id: Int64

        func run() async throws {
            try await options.withIdentity { try await $0.apiKeys.revoke(id: id, by: nil, event: .commandLine) }
            print("revoked key \(id)")
        }
    }
}
