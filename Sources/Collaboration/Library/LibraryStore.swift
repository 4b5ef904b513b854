import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes of the document library (decision 0042). A document is created with its
/// first version; later versions are proposed beside the ones before; a version is put in force
/// only by an approval, an e-signature by someone other than its author, which supersedes the
/// version in force. Every write is audited in its transaction.
package struct LibraryStore: Sendable {
    package let database: AppDatabase

    package static let maxTitle = 200
    package static let maxCollection = 100
    package static let maxTag = 40
    package static let maxTags = 20
    package static let maxBody = 100_000
    package static let maxChangeNote = 1000

    /// A version as written by a person, a form or a file. Tags are a list; a form and a file's
    /// front matter give them as one comma-separated text (``splitTags(_:)``).
    package struct Input: Decodable, Sendable {
        package var title: String?
        package var collection: String?
        package var tags: [String]?
        package var body: String?
        package var changeNote: String?

        package enum CodingKeys: String, CodingKey {
            case title, collection, tags, body
            case changeNote = "change_note"
        }

        package init(
            title: String?, collection: String? = nil, tags: [String]? = nil, body: String?, changeNote: String? = nil
        ) {
            (self.title, self.collection, self.tags, self.body, self.changeNote) = (
                title, collection, tags, body, changeNote
            )
        }

        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // Read as absent, a null would keep the latest version's tags, which nobody asked for.
            if container.contains(.tags), try container.decodeNil(forKey: .tags) {
                throw APIError.validationFailed("Must be a list of tags, not null.", field: "tags")
            }
            title = try container.decodeIfPresent(String.self, forKey: .title)
            collection = try container.decodeIfPresent(String.self, forKey: .collection)
            tags = try container.decodeIfPresent([String].self, forKey: .tags)
            body = try container.decodeIfPresent(String.self, forKey: .body)
            changeNote = try container.decodeIfPresent(String.self, forKey: .changeNote)
        }

        /// `"IVF, media"` as `["IVF", "media"]`.
        package static func splitTags(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// An input checked: every text bounded, tags lower-case and joined.
    package struct Checked: Sendable {
        package var title: String
        package var collection: String
        package var tags: String
        package var body: String
        package var changeNote: String
    }

    /// `input` checked; what it leaves out is taken from `previous` (the latest version), except
    /// the body and the change note, which each version has of its own.
    package static func check(_ input: Input, previous: LibraryVersion? = nil) throws -> Checked {
        let title = try line(input.title, field: "title", limit: maxTitle) ?? previous?.title ?? ""
        guard !title.isEmpty else { throw APIError.validationFailed("Give the document a title.", field: "title") }
        let collection = try line(input.collection, field: "collection", limit: maxCollection) ?? previous?.collection
        var tags: [String] = []
        for tag in input.tags ?? previous?.tagList ?? [] {
            let tag = tag.trimmingCharacters(in: .whitespaces).lowercased()
            // Bounded once lower-cased, which may lengthen it ("İ" is two characters in lower case).
            guard tag.wholeMatch(of: /[\p{L}\p{N}][\p{L}\p{N}_-]*/) != nil, tag.unicodeScalars.count <= maxTag else {
                throw APIError.validationFailed(
                    "A tag is one word of letters, digits, - or _, at most \(maxTag) characters.", field: "tags")
            }
            if !tags.contains(tag) { tags.append(tag) }
        }
        guard tags.count <= maxTags else {
            throw APIError.validationFailed("At most \(maxTags) tags.", field: "tags")
        }
        // Browsers post a textarea's lines with CRLF, which Ink does not read as line breaks in a list.
        let body = try InputCheck.text(
            input.body?.replacingOccurrences(of: "\r\n", with: "\n"), field: "body", limit: maxBody)
        guard !body.isEmpty else { throw APIError.validationFailed("Write the document's text.", field: "body") }
        try refuseControls(body, field: "body")
        let note = try InputCheck.text(input.changeNote, field: "change_note", limit: maxChangeNote)
        try refuseControls(note, field: "change_note")
        return Checked(
            title: title, collection: collection ?? "", tags: tags.joined(separator: ","), body: body, changeNote: note)
    }

    /// One line of text (a title, a collection), or nil when not given.
    private static func line(_ value: String?, field: String, limit: Int) throws -> String? {
        guard let value else { return nil }
        let text = try InputCheck.text(value, field: field, limit: limit)
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.validationFailed("One line, without control characters.", field: field)
        }
        return text
    }

    /// Tabs and line breaks are Markdown; other control characters are not text (and the search
    /// marks its snippets with two of them).
    private static func refuseControls(_ text: String, field: String) throws {
        let refused = text.unicodeScalars.contains {
            $0.properties.generalCategory == .control && !["\t", "\n", "\r"].contains($0)
        }
        if refused { throw APIError.validationFailed("No control characters but tabs and line breaks.", field: field) }
    }

    /// A new document with its first version, a draft.
    package func create(_ input: Input, context: EventContext) async throws -> LibraryVersion {
        let checked = try Self.check(input)
        return try await database.write(context) { write in
            try Self.create(checked, write: write)
        }
    }

    static func create(_ checked: Checked, write: AuditedWrite) throws -> LibraryVersion {
        let now = Date()
        var document = LibraryDocument(
            title: checked.title, collection: checked.collection, tags: checked.tags, latestNumber: 1,
            createdBy: write.context.actorName, createdAt: now, updatedAt: now)
        try write.insert(&document)
        var version = LibraryVersion(
            documentId: document.id ?? 0, number: 1, title: checked.title, collection: checked.collection,
            tags: checked.tags, body: checked.body, changeNote: checked.changeNote, author: write.context.actorName,
            authorId: write.context.personID, createdAt: now)
        try write.insert(&version)
        return version
    }

    /// A new version of document `id`, a draft beside the versions before it.
    package func propose(documentID: Int64, _ input: Input, context: EventContext) async throws -> LibraryVersion {
        try await database.write(context) { write in
            let document = try Self.document(write.db, id: documentID)
            let latest = try Self.latest(write.db, of: documentID)
            return try Self.propose(Self.check(input, previous: latest), to: document, write: write)
        }
    }

    static func propose(_ checked: Checked, to previous: LibraryDocument, write: AuditedWrite) throws
        -> LibraryVersion
    {
        var document = previous
        document.latestNumber += 1
        document.updatedAt = Date()
        // Until a version is in force, the document is known by its latest one.
        if document.inForceVersionId == nil {
            (document.title, document.collection, document.tags) = (checked.title, checked.collection, checked.tags)
        }
        var version = LibraryVersion(
            documentId: document.id ?? 0, number: document.latestNumber, title: checked.title,
            collection: checked.collection, tags: checked.tags, body: checked.body, changeNote: checked.changeNote,
            author: write.context.actorName, authorId: write.context.personID, createdAt: document.updatedAt)
        try write.insert(&version)
        try write.update(document, from: previous, reason: "version \(version.number) proposed")
        return version
    }

    /// Approves version `id` with `signer`'s e-signature (meaning "approved"): the version goes in
    /// force and the one in force is superseded. Its author may not approve it, as whoever entered
    /// a result may not verify it; a version older than the one in force cannot be approved.
    package func approve(versionID: Int64, signer: User, reason: String?, context: EventContext) async throws
        -> LibraryVersion
    {
        let reason = try InputCheck.text(reason, field: "reason", limit: AuditTrail.maxReason)
        return try await database.write(context) { write in
            let db = write.db
            let draft = try Self.version(db, id: versionID)
            guard draft.status == .draft else {
                throw APIError.validationFailed(
                    "Only a draft can be approved; version \(draft.number) is \(draft.status.label.lowercased()).",
                    field: "status")
            }
            guard signer.id != draft.authorId else {
                throw APIError(
                    status: .forbidden, code: "forbidden",
                    message: "Someone other than the author of a version must approve it.")
            }
            let previous = try Self.document(db, id: draft.documentId)
            if let inForce = previous.inForceNumber, inForce > draft.number {
                throw APIError.validationFailed(
                    "Version \(inForce), later than this one, is in force; approve a later version instead.",
                    field: "status")
            }
            try Signature.sign(draft, as: signer, meaning: .approved, in: write, reason: reason.isEmpty ? nil : reason)
            let now = Date()
            if let current = previous.inForceVersionId {
                let old = try Self.version(db, id: current)
                var superseded = old
                superseded.status = .superseded
                superseded.supersededAt = now
                try write.update(
                    superseded, from: old, action: "library.supersede", reason: "superseded by version \(draft.number)")
            }
            var approved = draft
            approved.status = .inForce
            approved.approvedBy = signer.displayName
            approved.approvedById = signer.id
            approved.approvedAt = now
            try write.update(
                approved, from: draft, action: "library.approve", reason: reason.isEmpty ? "approved" : reason)
            var document = previous
            document.inForceVersionId = approved.id
            document.inForceNumber = approved.number
            (document.title, document.collection, document.tags) = (approved.title, approved.collection, approved.tags)
            document.updatedAt = now
            try write.update(document, from: previous, reason: "version \(approved.number) in force")
            return approved
        }
    }

    // MARK: Reading

    package func document(id: Int64) async throws -> LibraryDocument {
        try await database.read { try Self.document($0, id: id) }
    }

    package func version(id: Int64) async throws -> LibraryVersion {
        try await database.read { try Self.version($0, id: id) }
    }

    /// A document's versions, the latest first.
    package func versions(of documentID: Int64) async throws -> [LibraryVersion] {
        try await database.read { db in
            try LibraryVersion.filter(LibraryVersion.CodingKeys.documentId == documentID)
                .order(LibraryVersion.CodingKeys.number.desc).fetchAll(db)
        }
    }

    /// The approvals of `versions`, keyed by version id.
    package func approvals(of versions: [LibraryVersion]) async throws -> [Int64: [Signature.Manifest]] {
        let manifests = try await database.read { try Signature.manifests($0, for: versions) }
        return Dictionary(
            versions.map { ($0.id ?? 0, manifests[$0.auditID, default: []].filter { $0.meaning == .approved }) }
        ) { first, _ in first }
    }

    package struct Filter: Sendable {
        package var collection: String?
        package var tag: String?

        package init(collection: String? = nil, tag: String? = nil) {
            (self.collection, self.tag) = (collection, tag?.lowercased())
        }
    }

    /// Documents by title, one page after `after`.
    package func list(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [LibraryDocument], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = LibraryDocument.all()
            if let collection = filter.collection {
                request = request.filter(LibraryDocument.CodingKeys.collection == collection)
            }
            if let tag = filter.tag {
                request = request.filter(sql: "(',' || tags || ',') LIKE ? ESCAPE '\\'", arguments: [Self.like(tag)])
            }
            return try request.page(db, order: ListOrder(column: "title"), after: after, limit: limit)
        }
    }

    /// `%,tag,%` with LIKE's own characters taken literally.
    private static func like(_ tag: String) -> String {
        "%,"
            + tag.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + ",%"
    }

    /// The collections and tags in use, for the list's filters.
    package func vocabulary() async throws -> (collections: [String], tags: [String]) {
        try await database.read { db in
            let collections = try String.fetchAll(
                db, sql: "SELECT DISTINCT collection FROM library_documents WHERE collection != '' ORDER BY collection")
            let tags = try String.fetchAll(db, sql: "SELECT DISTINCT tags FROM library_documents WHERE tags != ''")
            return (collections, Set(tags.flatMap { $0.split(separator: ",").map(String.init) }).sorted())
        }
    }

    /// Each document's current version (in force, else the latest), for the export.
    package func current(_ filter: Filter) async throws -> [LibraryVersion] {
        try await database.read { db in
            var sql = """
                SELECT v.* FROM library_documents d JOIN library_versions v
                ON v.id = COALESCE(d.in_force_version_id,
                    (SELECT id FROM library_versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1))
                WHERE 1
                """
            var arguments: StatementArguments = []
            if let collection = filter.collection {
                sql += " AND d.collection = ?"
                arguments += [collection]
            }
            if let tag = filter.tag {
                sql += " AND (',' || d.tags || ',') LIKE ? ESCAPE '\\'"
                arguments += [Self.like(tag)]
            }
            return try LibraryVersion.fetchAll(db, sql: sql + " ORDER BY d.title, d.id", arguments: arguments)
        }
    }

    static func document(_ db: Database, id: Int64) throws -> LibraryDocument {
        guard let document = try LibraryDocument.fetchOne(db, key: id) else { throw LibraryDocument.notFound }
        return document
    }

    static func version(_ db: Database, id: Int64) throws -> LibraryVersion {
        guard let version = try LibraryVersion.fetchOne(db, key: id) else { throw LibraryVersion.notFound }
        return version
    }

    static func latest(_ db: Database, of documentID: Int64) throws -> LibraryVersion? {
        try LibraryVersion.filter(LibraryVersion.CodingKeys.documentId == documentID)
            .order(LibraryVersion.CodingKeys.number.desc).fetchOne(db)
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
