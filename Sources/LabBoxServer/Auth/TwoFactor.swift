import Foundation
import GRDB
import HummingbirdOTP
import LabBoxPlatform
import LabBoxValues

/// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) as a second factor, with single-use recovery codes.
package enum TwoFactor {
    package static let issuer = "LabBox"
    package static let recoveryCodeCount = 10

    /// A new random secret. HummingbirdOTP keys HMAC with the secret's UTF-8 bytes, so it is a
    /// printable string of 20 random letters and digits (about 119 bits).
    package static func newSecret() -> String {
        random(20, from: "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
    }

    /// `count` characters drawn from `alphabet` by the system's secure generator.
    private static func random(_ count: Int, from alphabet: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters.randomElement(using: &generator)! })
    }

    /// The `otpauth://` URL authenticator apps import, and the base32 key for typing in by hand.
    package static func enrolment(secret: String, email: String) -> (url: String, key: String) {
        let url = TOTP(secret: secret).createAuthenticatorURL(label: "\(issuer):\(email)", issuer: issuer)
        let key = URLComponents(string: url)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        return (url, key)
    }

    /// The 30-second step `code` is valid for (now, or one step either side for clock drift), or nil.
    package static func matchingStep(secret: String, code: String, at date: Date = Date()) -> Int64? {
        let digits = code.filter(\.isNumber)
        guard digits.count == 6, let value = Int(digits) else { return nil }
        let totp = TOTP(secret: secret)
        let step = Int64(date.timeIntervalSince1970) / 30
        for offset: Int64 in [0, -1, 1] {
            let candidate = step + offset
            if totp.compute(date: Date(timeIntervalSince1970: TimeInterval(candidate * 30))) == value {
                return candidate
            }
        }
        return nil
    }

    /// Checks a TOTP code (each step accepted once) or an unused recovery code, recording use.
    package static func verify(_ db: Database, user: inout User, code: String) throws -> Bool {
        if let secret = user.totpSecret, let step = matchingStep(secret: secret, code: code), step > user.totpLastStep {
            user.totpLastStep = step
            try user.update(db)
            return true
        }
        let hash = Secrets.hash(normalizedRecoveryCode(code))
        try db.execute(
            literal: """
                UPDATE recovery_codes SET used_at = \(Date())
                WHERE user_id = \(user.id) AND code_hash = \(hash) AND used_at IS NULL
                """)
        return db.changesCount == 1
    }

    /// Turns the second factor of `userID` off: its secret and recovery codes go, and a security
    /// event says why (`detail`).
    package static func remove(_ db: Database, userID: Int64, detail: String, event: EventContext) throws {
        guard var user = try User.fetchOne(db, key: userID) else { throw APIError.notFound("No such user.") }
        user.totpEnabled = false
        user.totpSecret = nil
        try user.update(db)
        try db.execute(sql: "DELETE FROM recovery_codes WHERE user_id = ?", arguments: [userID])
        try SecurityEvent.record(db, kind: .twoFactorDisabled, user: user, event: event, detail: detail)
    }

    /// Replaces the user's recovery codes with fresh ones and returns them (shown once).
    package static func newRecoveryCodes(_ db: Database, userID: Int64) throws -> [String] {
        try db.execute(sql: "DELETE FROM recovery_codes WHERE user_id = ?", arguments: [userID])
        return try (0..<recoveryCodeCount).map { _ in
            // Upper-case letters and digits without look-alikes (0/O, 1/I), read aloud or typed easily.
            let raw = random(10, from: "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            let code = raw.prefix(5) + "-" + raw.suffix(5)
            try db.execute(
                sql: "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
                arguments: [userID, Secrets.hash(normalizedRecoveryCode(String(code)))])
            return String(code)
        }
    }

    package static func normalizedRecoveryCode(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }
    }
}
