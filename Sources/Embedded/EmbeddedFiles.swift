import CEmbedded
import Foundation

/// Read-only access to the files of `Resources/`, assembled into the binary by the `EmbedPlugin`.
package enum EmbeddedFiles {
    /// Path → bytes. The bytes live in the binary's read-only data; nothing is copied until asked.
    /// `nonisolated(unsafe)`: the buffers point at memory that is never written, so sharing them
    /// across threads is safe although the pointer type is not `Sendable`.
    nonisolated(unsafe) private static let table: [String: UnsafeRawBufferPointer] = {
        var table: [String: UnsafeRawBufferPointer] = [:]
        guard let files = labbox_embedded_table() else { return table }
        for index in 0..<Int(labbox_embedded_count()) {
            let file = files[index]
            table[String(cString: file.path)] = UnsafeRawBufferPointer(start: file.bytes, count: Int(file.size))
        }
        return table
    }()

    /// The bytes of the file at `path` (relative to `Resources/`, e.g. `"static/app.css"`).
    package static func data(_ path: String) -> Data? {
        table[path].map { Data($0) }
    }

    /// The file as UTF-8 text.
    package static func text(_ path: String) -> String? {
        table[path].map { String(decoding: $0, as: UTF8.self) }
    }

    /// Paths of the embedded files inside `folder` (e.g. `"migrations/"`), sorted.
    package static func paths(under folder: String) -> [String] {
        table.keys.filter { $0.hasPrefix(folder) }.sorted()
    }

    /// The commit the binary was built from, read from `.git` at build time.
    package static var commit: String { String(cString: labbox_embedded_commit_id()) }

    /// The date of that commit (ISO 8601), or `unknown` when the build had no git.
    package static var commitDate: String { String(cString: labbox_embedded_commit_time()) }
}
