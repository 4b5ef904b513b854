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

    /// A user's TOTP secret is stored sealed (``SecretBox``) for that user's row: a copied
    /// database, or a backup, holds nothing that makes their codes.
    package static func sealed(_ secret: String, userID: Int64?, secrets: SecretBox) throws -> String {
        try secrets.seal(secret, context: context(userID))
    }

    /// The TOTP secret of `user`; nil when there is none or it cannot be opened (a database
    /// restored without its `secrets.key`: the user's second factor must then be reset).
    package static func secret(of user: User, secrets: SecretBox) -> String? {
        user.totpSecret.flatMap { secrets.open($0, context: context(user.id)) }
    }

    private static func context(_ userID: Int64?) -> String { "users.totp_secret:\(userID ?? 0)" }

    /// Seals the TOTP secrets that releases before sealing stored in plain text (a key from the
    /// data directory cannot be used in an SQL migration, so this runs when the database opens).
    /// Returns how many it sealed.
    package static func sealPlainSecrets(_ db: Database, secrets: SecretBox) throws -> Int {
        let plain = try User.filter(User.CodingKeys.totpSecret != nil).fetchAll(db).filter {
            !SecretBox.isSealed($0.totpSecret ?? "")
        }
        for var user in plain {
            user.totpSecret = try sealed(user.totpSecret ?? "", userID: user.id, secrets: secrets)
            try user.update(db)
        }
        return plain.count
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
    package static func verify(_ db: Database, user: inout User, code: String, secrets: SecretBox) throws -> Bool {
        if let secret = secret(of: user, secrets: secrets), let step = matchingStep(secret: secret, code: code),
            step > user.totpLastStep
        {
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
