import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Writes a gzip-compressed tar (ustar) archive, one file at a time, hashing each file as it goes.
///
/// Streaming keeps memory flat whatever the database size; the SHA-256 of every member is known
/// when the archive is done, so the manifest can be written last. With a key, the compressed
/// stream is encrypted on its way to the file (``ArchiveOutput``).
package final class TarWriter {
    private let output: ArchiveOutput
    private let compressor: ZlibCompressor
    private var window = ByteBufferAllocator().buffer(capacity: 1 << 16)
    package private(set) var bytesIn: Int64 = 0

    package init(creating url: URL, key: BackupKey? = nil) throws {
        output = try ArchiveOutput(creating: url, key: key)
        compressor = try ZlibCompressor(algorithm: .gzip)
    }

    /// Adds `data` as `name`; returns its SHA-256 in hex.
    package func add(name: String, data: Data, modified: Date = Date()) throws -> String {
        try header(name: name, size: Int64(data.count), modified: modified)
        try write(data)
        try pad(Int64(data.count))
        return SHA256.hash(data: data).hex
    }

    /// Adds the file at `url` as `name`, calling `chunkWritten` with the bytes done after each
    /// megabyte (where the caller can report progress or stop); returns its SHA-256 in hex.
    package func add(name: String, file url: URL, chunkWritten: (Int64) throws -> Void = { _ in }) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        try header(name: name, size: size, modified: attributes[.modificationDate] as? Date ?? Date())
        let input = try FileHandle(forReadingFrom: url)
        defer { try? input.close() }
        var hash = SHA256()
        var done: Int64 = 0
        while done < size, let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            let piece = chunk.prefix(Int(size - done))
            hash.update(data: piece)
            try write(piece)
            done += Int64(piece.count)
            try chunkWritten(done)
        }
        guard done == size else { throw BackupError("\(url.lastPathComponent) changed size while it was archived") }
        try pad(size)
        return hash.finalize().hex
    }

    /// Writes the end-of-archive blocks and the gzip trailer (and the last sealed chunk), and closes the file.
    package func finish() throws {
        var end = ByteBuffer(repeating: 0, count: 1024)
        try end.compressStream(with: compressor, window: &window, flush: .finish) {
            try output.write(Data($0.readableBytesView))
        }
        try output.finish()
    }

    private func header(name: String, size: Int64, modified: Date) throws {
        var block = [UInt8](repeating: 0, count: 512)
        let (prefix, base) = try Self.split(name)
        func put(_ text: String, at offset: Int, length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, at offset: Int, length: Int) {
            put(
                String(String(value, radix: 8).suffix(length - 1)).leftPadded(to: length - 1), at: offset,
                length: length - 1)
        }
        put(base, at: 0, length: 100)
        octal(0o644, at: 100, length: 8)
        octal(0, at: 108, length: 8)
        octal(0, at: 116, length: 8)
        octal(size, at: 124, length: 12)
        octal(Int64(modified.timeIntervalSince1970), at: 136, length: 12)
        put("        ", at: 148, length: 8)
        block[156] = UInt8(ascii: "0")
        put("ustar\u{0}00", at: 257, length: 8)
        put(prefix, at: 345, length: 155)
        let checksum = block.reduce(0) { $0 + Int64($1) }
        put(String(checksum, radix: 8).leftPadded(to: 6) + "\u{0} ", at: 148, length: 8)
        try write(Data(block))
    }

    /// ustar splits long names at a slash into a 155-byte prefix and a 100-byte name.
    private static func split(_ name: String) throws -> (String, String) {
        if name.utf8.count <= 100 { return ("", name) }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        for cut in 1..<parts.count {
            let prefix = parts[..<cut].joined(separator: "/")
            let base = parts[cut...].joined(separator: "/")
            if prefix.utf8.count <= 155 && base.utf8.count <= 100 { return (prefix, base) }
        }
        throw BackupError("the path \(name) is too long for the archive")
    }

    private func pad(_ size: Int64) throws {
        let remainder = Int(size % 512)
        if remainder > 0 { try write(Data(count: 512 - remainder)) }
    }

    private func write(_ data: Data) throws {
        var buffer = ByteBuffer(bytes: data)
        bytesIn += Int64(data.count)
        try buffer.compressStream(with: compressor, window: &window, flush: .no) {
            try output.write(Data($0.readableBytesView))
        }
    }
}

package struct BackupError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
