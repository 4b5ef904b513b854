import ArgumentParser
import Foundation
import LabBoxServer
import LabBoxValues

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create users and reset passwords from the shell.",
        subcommands: [Create.self, ResetPassword.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user. Prints a generated password unless --password-stdin gives one.")

        @OptionGroup var options: DataOptions
        @Option(help: "Email address (the sign-in name).") package var email: String
        @Option(help: "admin, director, technician or auditor.") var role: String
        @Option(help: "Display name (default: the email).") package var name: String?
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let password = passwordStdin ? readPassword() : PasswordPolicy.generate()
            _ = try await options.withIdentity { identity in
                try await identity.users.create(
                    .init(email: email, displayName: name ?? email, role: role, password: password), by: nil,
                    event: .commandLine)
            }
            print("created \(role.rawValue) \(email)")
            if !passwordStdin { print("password: \(password)") }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (printed, or from --password-stdin) and end the user's sessions.")

        @OptionGroup var options: DataOptions
        @Option(help: "Email of the user.") var email: String
        @Flag(help: "Read the new password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            let password = passwordStdin ? readPassword() : PasswordPolicy.generate()
            _ = try await options.withIdentity { identity in
                try await identity.users.setPassword(email: email, password: password, event: .commandLine)
            }
            print("password of \(email) reset; their sessions were ended")
            if !passwordStdin { print("password: \(password)") }
        }
    }
}

private func readPassword() -> String {
    (readLine(strippingNewline: true) ?? "")
}

/// Prints an ``APIError`` as a one-line message and exits non-zero, instead of a stack of types.
func cliErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as APIError {
        printError(error.message + (error.field.map { " (\($0))" } ?? ""))
        throw ExitCode.failure
    }
}
