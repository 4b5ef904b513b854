import Foundation
import GRDB
import LabBoxPlatform

extension LibraryStore {
    /// A document found by the search, with the passage that matched.
    package struct Hit: Sendable {
        package let documentID: Int64
        package let title: String
        package let detail: String
        /// HTML: the passage escaped, the matched words in `<mark>`.
        package let snippet: String
    }

    /// Up to `limit` documents whose current version (in force, else the latest) matches `match`,
    /// an FTS5 expression (``SearchIndex/matchExpression(_:)``), best first.
    package func search(_ match: String, limit: Int) async throws -> [Hit] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.title, d.collection, v.number, v.status,
                        snippet(library_fts, -1, char(2), char(3), '…', 16) AS snippet
                    FROM library_fts JOIN library_versions v ON v.id = library_fts.rowid
                    JOIN library_documents d ON d.id = v.document_id
                    WHERE library_fts MATCH ? AND v.id = COALESCE(d.in_force_version_id,
                        (SELECT id FROM library_versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1))
                    ORDER BY rank LIMIT ?
                    """, arguments: [match, limit]
            ).map { row in
                let status = LibraryVersion.Status(rawValue: row["status"]) ?? .draft
                let collection: String = row["collection"]
                let number: Int = row["number"]
                return Hit(
                    documentID: row["id"], title: row["title"],
                    detail: (collection.isEmpty ? "" : collection + ", ") + "version \(number), "
                        + status.label.lowercased(),
                    snippet: Self.highlighted(row["snippet"] ?? ""))
            }
        }
    }

    /// FTS5's snippet, which marks matches with the control characters 2 and 3 (refused in
    /// stored text), as escaped HTML with `<mark>` around the matches.
    package static func highlighted(_ snippet: String) -> String {
        snippet.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "\u{2}", with: "<mark>").replacingOccurrences(of: "\u{3}", with: "</mark>")
    }
}
