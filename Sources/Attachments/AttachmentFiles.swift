import Crypto
import Foundation
import LabBoxValues

/// The attached files' bytes, once per content: `attachments/files/<2 hex>/<sha256>` in the data
/// directory (inside what backups copy). A file is written to `incoming/` first, flushed to disk
/// and then renamed into place, so a crash leaves either no file or the whole file, never a part
/// under a content's name.
package struct AttachmentFiles: Sendable {
    package let root: URL
    private let incoming: URL

    package init(dataDirectory: String) {
        root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("attachments/files")
        // Beside the attachments, not inside them: a backup taken mid-upload must not copy a
        // half-written file.
        incoming = URL(fileURLWithPath: dataDirectory).appendingPathComponent("incoming")
    }

    package static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    package func url(sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// Stores `bytes` under `sha256` unless a file with that content is already there.
    package func store(_ bytes: Data, sha256: String) throws {
        let target = url(sha256: sha256)
        let files = FileManager.default
        if files.fileExists(atPath: target.path) { return }
        let directory = target.deletingLastPathComponent()
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        try files.createDirectory(at: incoming, withIntermediateDirectories: true)
        let temporary = incoming.appendingPathComponent(UUID().uuidString)
        defer { try? files.removeItem(at: temporary) }
        guard files.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw APIError(
                status: .insufficientStorage, code: "storage_failed", message: "The file could not be stored.")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: bytes)
        try handle.synchronize()
        try handle.close()
        // rename(2) replaces atomically; a concurrent upload of the same content wrote the same bytes.
        guard rename(temporary.path, target.path) == 0 else {
            throw APIError(
                status: .insufficientStorage, code: "storage_failed", message: "The file could not be stored.")
        }
        Self.synchronizeDirectory(directory)
    }

    /// The rename is durable once the directory that holds the new name is flushed.
    private static func synchronizeDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
