import Foundation
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A document as the library's list shows it.
struct LibraryRow: Encodable {
    var id: Int64
    var title: String
    var collection: String
    var tags: [String]
    /// "version 2", or nil while no version is in force.
    var inForce: String?
    var awaitsApproval: Bool

    init(_ document: LibraryDocument) {
        id = document.id ?? 0
        (title, collection, tags) = (document.title, document.collection, document.tagList)
        (inForce, awaitsApproval) = (document.inForceNumber.map { "version \($0)" }, document.awaitsApproval)
    }
}

/// `collaboration/library.mustache`: the documents, filtered by collection and tag, a page at a time.
struct LibraryPage: Encodable {
    var documents: [LibraryRow]
    var empty: Bool
    var collections: [Choice]
    var tags: [Choice]
    var next: String?
    var firstPage: String?
    var exportQuery: String
    var canWrite: Bool
}

/// One version in a document's history, or shown on its own.
struct LibraryVersionRow: Encodable {
    var id: Int64
    var number: Int
    var title: String
    var status: String
    var statusLabel: String
    var author: String
    var written: String
    var approvals: [String]
    var changeNote: String
    var collection: String
    var tags: [String]

    init(_ version: LibraryVersion, approvals: [Signature.Manifest], time: LabTime) {
        id = version.id ?? 0
        (number, title, status) = (version.number, version.title, version.status.rawValue)
        statusLabel = version.status.label
        (author, written) = (version.author, time.text(version.createdAt))
        self.approvals = approvals.map { "\($0.signer), \(time.text($0.signedAt))" }
        (changeNote, collection, tags) = (version.changeNote, version.collection, version.tagList)
    }
}

/// `collaboration/library-document.mustache`: the version in force rendered (or, while none is,
/// the latest draft), the drafts waiting for approval and the whole history.
struct LibraryDocumentPage: Encodable {
    var id: Int64
    var shown: LibraryVersionRow?
    /// The shown version's text as safe HTML (``SafeMarkdown``).
    var html: String
    var shownIsDraft: Bool
    var waiting: [LibraryVersionRow]
    var hasWaiting: Bool
    var versions: [LibraryVersionRow]
    var canWrite: Bool
    var canApprove: Bool
}

/// `collaboration/library-version.mustache`: one version rendered, its approvals, and the
/// approval form for a director while it is a draft by someone else.
struct LibraryVersionPage: Encodable {
    var documentId: Int64
    var version: LibraryVersionRow
    var html: String
    var isDraft: Bool
    var canApprove: Bool
    var ownVersion: Bool
}

/// `collaboration/library-form.mustache`: a new document or a new version, with a preview.
struct LibraryFormPage: Encodable {
    var action: String
    var cancel: String
    var submitLabel: String
    var title: String
    var collection: String
    var tags: String
    var body: String
    var changeNote: String
    var preview: String?
    var error: String?
}

/// What the library's forms post: a version's fields, and `preview` when the Preview button sent it.
struct LibraryForm: Decodable {
    var title: String?
    var collection: String?
    var tags: String?
    var body: String?
    var changeNote: String?
    var preview: String?

    enum CodingKeys: String, CodingKey {
        case title, collection, tags, body, preview
        case changeNote = "change_note"
    }

    var input: LibraryStore.Input {
        LibraryStore.Input(
            title: title, collection: collection, tags: tags.map(LibraryStore.Input.splitTags), body: body,
            changeNote: changeNote)
    }
}

/// The approval form: the approver's password (and code) again, and an optional reason.
struct LibraryApprovalForm: Decodable {
    var password: String?
    var code: String?
    var reason: String?
}
