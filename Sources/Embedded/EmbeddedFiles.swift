import Foundation

/// Read-only access to the files of `Resources/`, compiled into the binary by the `EmbedPlugin`.
public enum EmbeddedFiles {
    /// The bytes of the file at `path` (relative to `Resources/`, e.g. `"static/app.css"`).
    public static func data(_ path: String) -> Data? {
        base64Files[path].flatMap { Data(base64Encoded: $0) }
    }

    /// The file as UTF-8 text.
    public static func text(_ path: String) -> String? {
        data(path).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Paths of the embedded files inside `folder` (e.g. `"migrations/"`), sorted.
    public static func paths(under folder: String) -> [String] {
        base64Files.keys.filter { $0.hasPrefix(folder) }.sorted()
    }

    /// The commit the binary was built from, read from `.git` at build time.
    public static var commit: String { gitCommit }

    /// When the embedded files were generated, which is when the binary was built.
    public static var builtAt: String { buildDate }
}
