import Foundation
import LabBoxPlatform
import LabBoxValues
import ZIPFoundation

/// The library as Markdown files in a zip: one `.md` file per document, its current version's
/// text after a front matter of `title`, `collection`, `tags` and `version` (decision 0042).
/// Import reads the same form back; an archive is untrusted input, read in memory and bounded.
package enum LibraryArchive {
    /// At most this many Markdown files, each at most `maxFileBytes` once unpacked.
    package static let maxFiles = 500
    package static let maxFileBytes = 400_000

    /// One file of an archive: its path and the version it describes.
    package struct File: Sendable {
        package let path: String
        package let input: LibraryStore.Input
    }

    package static func export(_ versions: [LibraryVersion]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        var used: Set<String> = []
        for version in versions {
            var name = slug(version.title)
            if used.contains(name) { name += "-\(version.documentId)" }
            used.insert(name)
            let data = Data(markdown(version).utf8)
            try archive.addEntry(
                with: name + ".md", type: .file, uncompressedSize: Int64(data.count),
                modificationDate: version.createdAt,
                compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }

    /// A version as a Markdown file with its front matter.
    static func markdown(_ version: LibraryVersion) -> String {
        """
        ---
        title: \(version.title)
        collection: \(version.collection)
        tags: \(version.tagList.joined(separator: ", "))
        version: \(version.number)
        status: \(version.status.rawValue)
        ---

        \(version.body)

        """
    }

    /// `IVF media (v2)` as `ivf-media-v2`: a file name on any system.
    static func slug(_ title: String) -> String {
        let words = title.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        let slug = words.joined(separator: "-")
        return slug.isEmpty ? "document" : String(slug.prefix(80))
    }

    /// The Markdown files of `data`, in the archive's order. Anything else in it (a folder is
    /// fine; hidden files and macOS's `__MACOSX` are skipped) refuses the whole archive, as does
    /// a file beyond the bounds or not UTF-8.
    package static func files(in data: Data) throws -> [File] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw APIError.validationFailed("Not a zip archive.", field: "file")
        }
        var files: [File] = []
        for entry in archive where entry.type == .file {
            let path = entry.path
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if name.hasPrefix(".") || path.hasPrefix("__MACOSX/") { continue }
            guard name.lowercased().hasSuffix(".md") else {
                throw APIError.validationFailed("\(clipped(path)) is not a Markdown (.md) file.", field: "file")
            }
            guard files.count < maxFiles else {
                throw APIError.validationFailed("At most \(maxFiles) Markdown files in one archive.", field: "file")
            }
            guard entry.uncompressedSize <= UInt64(maxFileBytes) else {
                throw APIError.validationFailed("\(clipped(path)) is larger than \(maxFileBytes) bytes.", field: "file")
            }
            var content = Data()
            do {
                // The size in the archive's directory is the sender's word: the unpacked bytes are counted too.
                _ = try archive.extract(entry) { chunk in
                    content.append(chunk)
                    if content.count > maxFileBytes { throw APIError.validationFailed("too large", field: "file") }
                }
            } catch {
                throw APIError.validationFailed("\(clipped(path)) cannot be unpacked or is too large.", field: "file")
            }
            guard let text = String(data: content, encoding: .utf8) else {
                throw APIError.validationFailed("\(clipped(path)) is not UTF-8 text.", field: "file")
            }
            files.append(File(path: path, input: input(text, name: name)))
        }
        guard !files.isEmpty else {
            throw APIError.validationFailed("The archive holds no Markdown (.md) file.", field: "file")
        }
        return files
    }

    /// A file's front matter and body as a version's input; without a title, the file's name.
    static func input(_ text: String, name: String) -> LibraryStore.Input {
        var fields: [String: String] = [:]
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        var body = Substring(text)
        if text.hasPrefix("---\n") {
            let rest = text.dropFirst(4)
            // An empty front matter is "---" twice; otherwise it ends at a line "---".
            let end: Range<Substring.Index>? =
                rest.hasPrefix("---\n")
                ? rest.startIndex..<rest.index(rest.startIndex, offsetBy: 4) : rest.range(of: "\n---\n")
            if let end {
                for line in rest[..<end.lowerBound].split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                    fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                body = rest[end.upperBound...]
            }
        }
        let title = fields["title"].flatMap { $0.isEmpty ? nil : $0 } ?? String(name.dropLast(3))
        return LibraryStore.Input(
            title: title, collection: fields["collection"], tags: fields["tags"].map(LibraryStore.Input.splitTags),
            body: String(body), changeNote: "imported from \(clipped(name))")
    }

    /// A name from the archive as a message shows it: at most 100 characters.
    private static func clipped(_ path: String) -> String {
        path.count > 100 ? String(path.prefix(100)) + "…" : path
    }
}
