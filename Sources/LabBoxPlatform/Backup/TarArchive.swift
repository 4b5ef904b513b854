import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Writes a gzip-compressed tar (ustar) archive, one file at a time, hashing each file as it goes.
///
/// Streaming keeps memory flat whatever the database size; the SHA-256 of every member is known
/// when the archive is done, so the manifest can be written last.
package final class TarWriter {
    private let output: FileHandle
    private let compressor: ZlibCompressor
    private var window = ByteBufferAllocator().buffer(capacity: 1 << 16)
    package private(set) var bytesIn: Int64 = 0

    package init(creating url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw BackupError("cannot create \(url.path)")
        }
        output = try FileHandle(forWritingTo: url)
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

    /// Writes the end-of-archive blocks and the gzip trailer, and closes the file.
    package func finish() throws {
        var end = ByteBuffer(repeating: 0, count: 1024)
        try end.compressStream(with: compressor, window: &window, flush: .finish) {
            try output.write(contentsOf: Data($0.readableBytesView))
        }
        try output.synchronize()
        try output.close()
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
            try output.write(contentsOf: Data($0.readableBytesView))
        }
    }
}

/// Reads a gzip-compressed tar archive written by ``TarWriter`` (or by GNU tar, for plain files),
/// extracting each member under a directory and hashing it on the way.
package enum TarReader {
    package struct Member: Sendable {
        package let size: Int64
        package let sha256: String
    }

    /// Extracts every regular file into `directory`; refuses absolute paths and `..`.
    package static func extract(_ archive: URL, into directory: URL) throws -> [String: Member] {
        let input = try FileHandle(forReadingFrom: archive)
        defer { try? input.close() }
        let decompressor = try ZlibDecompressor(algorithm: .gzip)
        var window = ByteBufferAllocator().buffer(capacity: 1 << 16)
        var parser = Parser(directory: directory)
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            var compressed = ByteBuffer(bytes: chunk)
            try compressed.decompressStream(with: decompressor, window: &window) { output in
                try parser.consume(Array(output.readableBytesView))
            }
            window.clear()
        }
        guard parser.ended else { throw BackupError("the archive is truncated") }
        return parser.members
    }

    private struct Parser {
        let directory: URL
        var members: [String: Member] = [:]
        var ended = false
        var headerBytes: [UInt8] = []
        var current: (name: String, remaining: Int64, padding: Int, handle: FileHandle, hash: SHA256)?
        var skip = 0

        init(directory: URL) { self.directory = directory }

        mutating func consume(_ bytes: [UInt8]) throws {
            var index = 0
            while index < bytes.count, !ended {
                if skip > 0 {
                    let count = min(skip, bytes.count - index)
                    skip -= count
                    index += count
                } else if var file = current {
                    let count = Int(min(file.remaining, Int64(bytes.count - index)))
                    let piece = Data(bytes[index..<(index + count)])
                    file.hash.update(data: piece)
                    try file.handle.write(contentsOf: piece)
                    file.remaining -= Int64(count)
                    index += count
                    current = file
                    if file.remaining == 0 {
                        try file.handle.close()
                        members[file.name] = Member(
                            size: members[file.name]?.size ?? 0, sha256: file.hash.finalize().hex)
                        skip = file.padding
                        current = nil
                    }
                } else {
                    let count = min(512 - headerBytes.count, bytes.count - index)
                    headerBytes += bytes[index..<(index + count)]
                    index += count
                    if headerBytes.count == 512 {
                        try header(headerBytes)
                        headerBytes = []
                    }
                }
            }
        }

        private mutating func header(_ block: [UInt8]) throws {
            if block.allSatisfy({ $0 == 0 }) {
                ended = true
                return
            }
            func field(_ offset: Int, _ length: Int) -> String {
                let slice = block[offset..<(offset + length)].prefix { $0 != 0 }
                return String(decoding: slice, as: UTF8.self)
            }
            let stored = Int64(field(148, 8).trimmingCharacters(in: .whitespaces), radix: 8)
            var blank = block
            for offset in 148..<156 { blank[offset] = UInt8(ascii: " ") }
            guard stored == blank.reduce(0, { $0 + Int64($1) }) else { throw BackupError("a tar header is damaged") }
            let prefix = field(345, 155)
            let name = prefix.isEmpty ? field(0, 100) : prefix + "/" + field(0, 100)
            guard let size = Int64(field(124, 12).trimmingCharacters(in: .whitespaces), radix: 8) else {
                throw BackupError("a tar header has no size")
            }
            let padding = Int((512 - size % 512) % 512)
            let type = block[156]
            guard type == 0 || type == UInt8(ascii: "0") else {
                skip = Int(size) + padding
                return
            }
            guard !name.hasPrefix("/"), !name.split(separator: "/").contains(".."), !name.isEmpty else {
                throw BackupError("the archive holds an unsafe path: \(name)")
            }
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw BackupError("cannot write \(url.path)")
            }
            members[name] = Member(size: size, sha256: "")
            let handle = try FileHandle(forWritingTo: url)
            if size == 0 {
                try handle.close()
                members[name] = Member(size: 0, sha256: SHA256.hash(data: Data()).hex)
            } else {
                current = (name, size, padding, handle, SHA256())
            }
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
