import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Seals the few secrets LabBox must read back — token-signing keys and TOTP secrets — with a key
/// that is not in the database: `secrets.key` in the data directory (mode 0600), made on first
/// start. Backups copy the database, never this file, so a copied database or backup does not
/// yield a key that signs tokens or a secret that makes second-factor codes (decision 0021).
///
/// Sealing is AES-256-GCM; the `context` names the row a value belongs to and is authenticated,
/// so a sealed value copied into another row does not open there.
package struct SecretBox: Sendable {
    package static let fileName = "secrets.key"
    private static let prefix = "v1."
    private let key: SymmetricKey

    package init(key: SymmetricKey) {
        self.key = key
    }

    /// The key of the data directory `directory`, created there when it has none yet.
    package static func load(directory: URL) throws -> SecretBox {
        let url = directory.appendingPathComponent(fileName)
        if let existing = try? Data(contentsOf: url) {
            guard let raw = Data(base64Encoded: String(decoding: existing, as: UTF8.self).trimmed), raw.count == 32
            else { throw SecretBoxError("\(url.path) is not a LabBox secrets key (32 bytes, base64)") }
            return SecretBox(key: SymmetricKey(data: raw))
        }
        let key = SymmetricKey(size: .bits256)
        let text = Data((key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n").utf8)
        // Written whole under a temporary name, then linked into place: a server and a command
        // starting together cannot each make a key, and neither reads a half-written file.
        let partial = directory.appendingPathComponent(".\(fileName).\(Secrets.token(bytes: 6))")
        guard
            FileManager.default.createFile(atPath: partial.path, contents: text, attributes: [.posixPermissions: 0o600])
        else { throw SecretBoxError("cannot write \(partial.path)") }
        defer { try? FileManager.default.removeItem(at: partial) }
        if link(partial.path, url.path) != 0 && errno != EEXIST {
            throw SecretBoxError("cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        return try load(directory: directory)
    }

    /// `plaintext` sealed for the row `context`, as printable text.
    package func seal(_ plaintext: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw SecretBoxError("AES-GCM gave no sealed form") }
        return Self.prefix + combined.base64EncodedString()
    }

    /// The plaintext of a value sealed for `context` by this key; nil when another key sealed it
    /// (a database restored without its `secrets.key`), it belongs to another row, or it is damaged.
    package func open(_ sealed: String, context: String) -> String? {
        guard sealed.hasPrefix(Self.prefix), let combined = Data(base64Encoded: String(sealed.dropFirst(3))),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Whether `text` is a sealed value rather than a plaintext one stored before sealing existed.
    package static func isSealed(_ text: String) -> Bool {
        text.hasPrefix(prefix)
    }
}

package struct SecretBoxError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
