import Embedded
import Foundation
import HummingbirdBcrypt
import LabBoxPlatform
import NIOPosix

/// NIST SP 800-63B: at least 12 characters, not a known common password, no composition rules.
package enum PasswordPolicy {
    package static let minimumLength = 12
    #if DEBUG
        /// Debug builds (what `swift test` runs) hash cheaply: each test creates its users afresh,
        /// and at cost 12 those hashes queued live requests of other tests past their timeouts on 2
        /// cores. Nothing ships a debug build; `packaging/` and `scripts/build-release` build release.
        package static let bcryptCost: UInt8 = 6
    #else
        package static let bcryptCost: UInt8 = 12
    #endif

    private static let common: Set<String> = Set(
        (EmbeddedFiles.text("security/common-passwords.txt") ?? "").split(separator: "\n").map {
            $0.lowercased()
        })

    /// bcrypt reads no more than 72 bytes: a longer password would be cut without a word.
    package static let maximumBytes = 72

    /// Why `password` is refused, or nil when it is acceptable.
    package static func problem(with password: String, email: String) -> String? {
        if password.count < minimumLength {
            return "The password must have at least \(minimumLength) characters."
        }
        if password.utf8.count > maximumBytes {
            return "The password may have at most \(maximumBytes) bytes (about 72 letters)."
        }
        // bcrypt stops at a NUL: "\0secret" would be hashed as the empty password.
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "The password may not contain control characters."
        }
        let lowered = password.lowercased()
        if common.contains(lowered) {
            return "This password is on the list of commonly used passwords; choose another."
        }
        if let local = email.split(separator: "@").first, lowered.contains(local.lowercased()), local.count >= 4 {
            return "The password must not contain the account's email name."
        }
        return nil
    }

    /// bcrypt costs about a quarter of a second of CPU by design, so it runs on NIO's thread pool
    /// (one thread per core), never on Swift's cooperative threads, which serve every request:
    /// a burst of sign-ins then waits for the pool instead of stalling the server.
    package static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: bcryptCost) }
    }

    package static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A random password that satisfies the policy, for `labbox user create` without one.
    package static func generate() -> String { Secrets.token(bytes: 15) }
}
