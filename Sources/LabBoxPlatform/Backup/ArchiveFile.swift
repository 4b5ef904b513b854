import Crypto
import Foundation

/// The framing of an encrypted backup (decision 0024), around the `.tar.gz` stream:
///
///     header   "LabBoxBackupEnc1" (16 bytes) · key fingerprint (8) · salt (32)
///     chunks   ChaCha20-Poly1305 ciphertext of 1 MiB · tag (16), …, then the last chunk (0 to 1 MiB · tag)
///
/// Each archive is sealed with its own key, HKDF-SHA256 of the backup key and the random salt.
/// Chunk n has the nonce 0 (3 bytes) · n (8 bytes, big-endian) · 1 if it is the last chunk, else 0,
/// and the header as authenticated data. This is the STREAM construction (Hoang, Reyhanitabar,
/// Rogaway, Vizár, 2015), the one age uses: a chunk altered, moved or dropped does not open, and
/// an archive cut short after any chunk lacks the last-chunk flag, so no prefix of an archive
/// passes for a whole one. Memory stays at two chunks whatever the archive's size.
enum EncryptedFraming {
    static let magic = Data("LabBoxBackupEnc1".utf8)
    static let headerSize = 56
    static let chunkSize = 1 << 20
    static let tagSize = 16

    static func archiveKey(_ key: BackupKey, salt: Data) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key.key, salt: salt, info: Data("labbox backup archive v1".utf8), outputByteCount: 32)
    }

    static func nonce(_ counter: UInt64, last: Bool) throws -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { bytes[3 + index] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64(index))) }
        bytes[11] = last ? 1 : 0
        return try ChaChaPoly.Nonce(data: bytes)
    }
}

/// Where a backup archive's bytes go: into the file, or, with a key, into the file sealed chunk
/// by chunk (``EncryptedFraming``).
package final class ArchiveOutput {
    private let file: FileHandle
    private let sealing: (key: SymmetricKey, header: Data)?
    private var pending = Data()
    private var counter: UInt64 = 0

    package init(creating url: URL, key: BackupKey?) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw BackupError("cannot create \(url.path)")
        }
        file = try FileHandle(forWritingTo: url)
        guard let key else {
            sealing = nil
            return
        }
        let salt = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
        let header = EncryptedFraming.magic + BackupKey.fingerprintBytes(of: key.key) + salt
        sealing = (EncryptedFraming.archiveKey(key, salt: salt), header)
        pending.reserveCapacity(EncryptedFraming.chunkSize)
        try file.write(contentsOf: header)
    }

    package func write(_ data: Data) throws {
        guard sealing != nil else { return try file.write(contentsOf: data) }
        var rest = data[...]
        while !rest.isEmpty {
            // A full chunk goes out only once more follows, so that the last one can be flagged.
            if pending.count == EncryptedFraming.chunkSize { try seal(last: false) }
            let count = min(EncryptedFraming.chunkSize - pending.count, rest.count)
            pending.append(rest.prefix(count))
            rest = rest.dropFirst(count)
        }
    }

    /// Seals the last chunk, flushes the file to disk and closes it.
    package func finish() throws {
        if sealing != nil { try seal(last: true) }
        try file.synchronize()
        try file.close()
    }

    private func seal(last: Bool) throws {
        guard let sealing else { return }
        let box = try ChaChaPoly.seal(
            pending, using: sealing.key, nonce: EncryptedFraming.nonce(counter, last: last),
            authenticating: sealing.header)
        try file.write(contentsOf: box.ciphertext)
        try file.write(contentsOf: box.tag)
        counter += 1
        pending.removeAll(keepingCapacity: true)
    }
}

/// A backup archive's `.tar.gz` bytes, about a megabyte at a time: read from a plain archive, or
/// opened chunk by chunk from an encrypted one, each chunk authenticated before it is handed on.
package final class ArchiveInput {
    /// The fingerprint of the key that encrypted the archive; nil for a plain one.
    package let fingerprint: String?
    private let file: FileHandle
    private let opening: (key: SymmetricKey, header: Data)?
    private var lookahead: Data?
    private var counter: UInt64 = 0
    private var ended = false

    /// Opens `url`; an encrypted archive needs `key`, and it must be the key it was made with.
    package init(reading url: URL, key: BackupKey?) throws {
        file = try FileHandle(forReadingFrom: url)
        let header = try Self.read(file, EncryptedFraming.headerSize)
        guard header.starts(with: EncryptedFraming.magic) else {
            try file.seek(toOffset: 0)
            fingerprint = nil
            opening = nil
            return
        }
        guard header.count == EncryptedFraming.headerSize else {
            throw BackupError("the encrypted archive is cut short inside its header")
        }
        let stored = header.dropFirst(16).prefix(8)
        fingerprint = stored.hex
        guard let key else {
            throw BackupError(
                "the archive is encrypted (key fingerprint \(stored.hex)); set backup.encryption_key_file to that key")
        }
        guard stored == BackupKey.fingerprintBytes(of: key.key) else {
            throw BackupError(
                "the archive was encrypted with the key whose fingerprint is \(stored.hex), but the configured"
                    + " backup.encryption_key_file has \(key.fingerprint); use the key the archive was made with")
        }
        opening = (EncryptedFraming.archiveKey(key, salt: header.suffix(32)), header)
    }

    deinit { try? file.close() }

    /// The next piece of the archive, or nil at its authenticated end.
    package func read() throws -> Data? {
        guard let opening else {
            let chunk = try file.read(upToCount: EncryptedFraming.chunkSize) ?? Data()
            return chunk.isEmpty ? nil : chunk
        }
        if ended { return nil }
        let sealedSize = EncryptedFraming.chunkSize + EncryptedFraming.tagSize
        let block = try lookahead ?? Self.read(file, sealedSize)
        let following = try Self.read(file, sealedSize)
        guard block.count >= EncryptedFraming.tagSize else {
            throw BackupError("the encrypted archive is cut short: chunk \(counter + 1) is missing")
        }
        let last = following.isEmpty
        let plain: Data
        do {
            plain = try open(block, last: last, key: opening.key, header: opening.header)
        } catch {
            // A whole chunk that opens as a middle one was the last one left: the rest is gone.
            if last, (try? open(block, last: false, key: opening.key, header: opening.header)) != nil {
                throw BackupError("the encrypted archive is cut short after chunk \(counter + 1)")
            }
            throw BackupError(
                "chunk \(counter + 1) of the encrypted archive does not authenticate: the archive was altered or damaged"
            )
        }
        (lookahead, ended) = (following, last)
        counter += 1
        return plain
    }

    private func open(_ block: Data, last: Bool, key: SymmetricKey, header: Data) throws -> Data {
        let box = try ChaChaPoly.SealedBox(
            nonce: EncryptedFraming.nonce(counter, last: last), ciphertext: block.dropLast(EncryptedFraming.tagSize),
            tag: block.suffix(EncryptedFraming.tagSize))
        return try ChaChaPoly.open(box, using: key, authenticating: header)
    }

    /// Up to `count` bytes, fewer only at the end of the file.
    private static func read(_ file: FileHandle, _ count: Int) throws -> Data {
        var data = Data()
        while data.count < count, let piece = try file.read(upToCount: count - data.count), !piece.isEmpty {
            data.append(piece)
        }
        return data
    }
}
