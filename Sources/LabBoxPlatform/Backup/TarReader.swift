import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Reads a gzip-compressed tar archive written by ``TarWriter`` (or by GNU tar, for plain files),
/// extracting each member under a directory and hashing it on the way.
///
/// An archive is untrusted input (a restore may be handed any file): every header field is checked
/// before it is used, only regular files (and directory entries, which carry nothing) are accepted,
/// a name appears once, the caller decides which names may exist at all, and unpacking stops before
/// it writes more than ``Limits`` allow.
package enum TarReader {
    package struct Member: Sendable, Equatable {
        package let size: Int64
        package let sha256: String
    }

    /// How much an archive may unpack to: bytes (each file counted in whole 4 KiB blocks, as the
    /// disk stores it) and files.
    package struct Limits: Sendable {
        package var bytes: Int64
        package var files: Int

        package init(bytes: Int64, files: Int) {
            self.bytes = bytes
            self.files = files
        }

        /// What the filesystem holding `directory` can take while keeping a reserve: a tenth of
        /// it, at most 1 GiB of space and 100,000 inodes. Verification runs beside a live server
        /// and a restore is followed by one, and the database must still grow afterwards. There
        /// is no fixed cap besides: a lab's attachments may rightly be hundreds of gigabytes, and
        /// the free space is what a hostile archive must not exhaust.
        package static func freeSpace(at directory: URL) throws -> Limits {
            let system = try FileManager.default.attributesOfFileSystem(forPath: directory.path)
            func number(_ key: FileAttributeKey) -> Int64 { (system[key] as? NSNumber)?.int64Value ?? 0 }
            return reserving(
                free: number(.systemFreeSize), of: number(.systemSize),
                freeNodes: number(.systemFreeNodes), of: number(.systemNodes))
        }

        /// The arithmetic of ``freeSpace(at:)``, apart from the filesystem's figures, which other
        /// writers change between any two reads.
        package static func reserving(free: Int64, of size: Int64, freeNodes: Int64, of nodes: Int64) -> Limits {
            let bytes = free - min(1 << 30, size / 10)
            // Filesystems without a fixed inode table (btrfs) report none; their files cost space.
            let files = nodes == 0 ? Int.max : Int(freeNodes - min(100_000, nodes / 10))
            return Limits(bytes: max(0, bytes), files: max(0, files))
        }
    }

    /// Extracts the archive into `directory`, refusing any member whose name `allowed` rejects.
    /// The archive is read to its end, so an encrypted one is authenticated whole.
    package static func extract(
        _ input: ArchiveInput, into directory: URL, limits: Limits, allowed: @escaping (String) -> Bool = { _ in true }
    ) throws -> [String: Member] {
        let decompressor = try ZlibDecompressor(algorithm: .gzip)
        var window = ByteBufferAllocator().buffer(capacity: 1 << 16)
        var unpacker = Unpacker(directory: directory, limits: limits, allowed: allowed)
        while let chunk = try input.read() {
            if chunk.isEmpty { continue }  // an encrypted archive's last chunk may be empty
            var compressed = ByteBuffer(bytes: chunk)
            try compressed.decompressStream(with: decompressor, window: &window) { output in
                try unpacker.consume(Array(output.readableBytesView))
            }
            window.clear()
        }
        return try unpacker.finish()
    }

    /// The tar layer alone, fed the archive's bytes in pieces as they are decompressed.
    package struct Unpacker {
        private let directory: URL
        private let allowed: (String) -> Bool
        private let limits: Limits
        private var left: Limits
        private var members: [String: Member] = [:]
        private var ended = false
        private var headerBytes: [UInt8] = []
        private var current: (name: String, size: Int64, remaining: Int64, handle: FileHandle, hash: SHA256)?
        private var skip: Int64 = 0

        package init(directory: URL, limits: Limits, allowed: @escaping (String) -> Bool = { _ in true }) {
            self.directory = directory
            self.limits = limits
            self.left = limits
            self.allowed = allowed
        }

        /// The members extracted, once the end-of-archive block was read.
        package func finish() throws -> [String: Member] {
            guard ended else { throw BackupError("the archive is truncated") }
            return members
        }

        package mutating func consume(_ bytes: [UInt8]) throws {
            var index = 0
            while index < bytes.count, !ended {
                if skip > 0 {
                    let count = Int(min(skip, Int64(bytes.count - index)))
                    skip -= Int64(count)
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
                        members[file.name] = Member(size: file.size, sha256: file.hash.finalize().hex)
                        skip = Self.padding(file.size)
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
            var blank = block
            for offset in 148..<156 { blank[offset] = UInt8(ascii: " ") }
            guard let stored = Self.octal(block[148..<156]), stored == blank.reduce(0, { $0 + Int64($1) }) else {
                throw BackupError("a tar header is damaged")
            }
            func text(_ offset: Int, _ length: Int) -> String {
                String(decoding: block[offset..<(offset + length)].prefix { $0 != 0 }, as: UTF8.self)
            }
            let prefix = text(345, 155)
            let name = prefix.isEmpty ? text(0, 100) : prefix + "/" + text(0, 100)
            guard let size = Self.octal(block[124..<136]) else {
                throw BackupError("the tar header of \(name) has no valid size")
            }
            switch block[156] {
            case 0, UInt8(ascii: "0"): break
            case UInt8(ascii: "5") where size == 0: return  // a directory: created with its files
            case let type:
                throw BackupError("\(name) is not a regular file (tar type \(Character(Unicode.Scalar(type))))")
            }
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard !name.isEmpty, !parts.contains(where: { ["", ".", ".."].contains($0) }) else {
                throw BackupError("the archive holds an unsafe path: \(name)")
            }
            guard allowed(name) else { throw BackupError("the archive holds \(name), which does not belong in it") }
            guard members[name] == nil else { throw BackupError("the archive holds \(name) twice") }
            let blocks = (size + 4095) / 4096 * 4096
            guard blocks <= left.bytes, left.files > 0 else {
                throw BackupError(
                    "the archive holds more than may be unpacked here (\(limits.bytes >> 20) MiB in \(limits.files)"
                        + " files, keeping a reserve free); make room or restore elsewhere")
            }
            left.bytes -= blocks
            left.files -= 1
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw BackupError("cannot write \(url.path)")
            }
            if size == 0 {
                members[name] = Member(size: 0, sha256: SHA256.hash(data: Data()).hex)
            } else {
                current = (name, size, size, try FileHandle(forWritingTo: url), SHA256())
            }
        }

        private static func padding(_ size: Int64) -> Int64 { (512 - size % 512) % 512 }

        /// A numeric header field: octal digits, padded with spaces or NULs. A sign, another
        /// digit or GNU's base-256 form is refused, so a size is never negative and at most 8^12.
        private static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
            let padding: Set<UInt8> = [0, UInt8(ascii: " ")]
            let start = field.drop { $0 == UInt8(ascii: " ") }
            let digits = start.prefix { !padding.contains($0) }
            guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }),
                start.dropFirst(digits.count).allSatisfy(padding.contains)
            else { return nil }
            return digits.reduce(0) { $0 * 8 + Int64($1 - UInt8(ascii: "0")) }
        }
    }
}
