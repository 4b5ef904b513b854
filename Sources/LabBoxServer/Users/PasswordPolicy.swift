import Embedded
import Foundation
import HummingbirdBcrypt
import LabBoxPlatform

/// NIST SP 800-63B: at least 12 characters, not a known common password, no composition rules.
package enum PasswordPolicy {
    package static let minimumLength = 12
    package static let bcryptCost: UInt8 = 12

    private static let common: Set<String> = Set(
        (EmbeddedFiles.text("security/common-passwords.txt") ?? "").split(separator: "\n").map {
            $0.lowercased()
        })

    /// Why `password` is refused, or nil when it is acceptable.
    package static func problem(with password: String, email: String) -> String? {
        if password.count < minimumLength {
            return "The password must have at least \(minimumLength) characters."
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

    package static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    package static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A random password that satisfies the policy, for `labbox user create` without one.
    package static func generate() -> String { Secrets.token(bytes: 15) }
}
