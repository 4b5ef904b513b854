import Crypto
import Foundation

/// The key that encrypts backups: 32 random bytes, base64, in the file named by
/// `backup.encryption_key_file` (decision 0024). It is never in the data directory's backups, and
/// only its fingerprint is ever shown.
package struct BackupKey: Sendable {
    package let key: SymmetricKey
    /// 16 hex digits that name the key without revealing it: the start of an HMAC of a fixed text
    /// under the key. An archive carries the fingerprint of its key, so a wrong key is named as
    /// such rather than reported as damage.
    package let fingerprint: String

    package init(key: SymmetricKey) {
        self.key = key
        fingerprint = Self.fingerprintBytes(of: key).hex
    }

    /// Reads the key file at `path`.
    package static func load(path: String) throws -> BackupKey {
        guard let text = FileManager.default.contents(atPath: path) else {
            throw BackupError("cannot read the backup key file \(path)")
        }
        guard
            let raw = Data(
                base64Encoded: String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            raw.count == 32
        else {
            throw BackupError(
                "\(path) is not a backup key (32 random bytes in base64: head -c 32 /dev/urandom | base64)")
        }
        return BackupKey(key: SymmetricKey(data: raw))
    }

    /// The fingerprint as an archive's header stores it.
    package static func fingerprintBytes(of key: SymmetricKey) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("labbox backup key fingerprint".utf8), using: key).prefix(8))
    }
}
