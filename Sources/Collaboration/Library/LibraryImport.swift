import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

extension LibraryStore {
    /// What an import did.
    package struct ImportSummary: Codable, Sendable, ResponseEncodable {
        /// New documents, each with its first version.
        package var created = 0
        /// New versions of documents of the same title.
        package var proposed = 0
        /// Files whose text is already the document's latest version.
        package var unchanged = 0
        package var documents: [Int64] = []
    }

    /// The archive's files as drafts, in one transaction: a file whose title is a document's
    /// becomes its new version (unless it says what the latest version says), any other a new
    /// document. Nothing is put in force: that takes an approval. A refused file refuses them all.
    package func importFiles(_ files: [LibraryArchive.File], context: EventContext) async throws -> ImportSummary {
        try await database.write(context) { write in
            var summary = ImportSummary()
            for file in files {
                do {
                    let existing = try LibraryDocument.filter(
                        LibraryDocument.CodingKeys.title == (file.input.title ?? "")
                    ).order(LibraryDocument.CodingKeys.id).fetchOne(write.db)
                    let version: LibraryVersion
                    if let existing {
                        let latest = try Self.latest(write.db, of: existing.id ?? 0)
                        let checked = try Self.check(file.input, previous: latest)
                        if let latest, latest.body == checked.body, latest.title == checked.title,
                            latest.collection == checked.collection, latest.tags == checked.tags
                        {
                            summary.unchanged += 1
                            continue
                        }
                        version = try Self.propose(checked, to: existing, write: write)
                        summary.proposed += 1
                    } else {
                        version = try Self.create(Self.check(file.input), write: write)
                        summary.created += 1
                    }
                    if !summary.documents.contains(version.documentId) { summary.documents.append(version.documentId) }
                } catch let error as APIError {
                    throw APIError.validationFailed("\(file.path): \(error.message)", field: "file")
                }
            }
            return summary
        }
    }
}
