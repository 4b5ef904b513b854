import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of the document library: each operation is named where
// its route is declared.

extension APIOperation {
    package static let listLibrary = APIOperation(
        "List library documents",
        "By title. Filter by collection and tag.",
        parameters: [
            .query("collection", "Exactly this collection.", .string(maxLength: LibraryStore.maxCollection)),
            .query("tag", "Documents with this tag.", .string(maxLength: LibraryStore.maxTag)),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .libraryDocument), "One page."),
            400: "A bad parameter (field names it).",
            422: "A cursor LabBox did not give out.",
        ]
    )

    package static let addLibraryDocument = APIOperation(
        "Add a library document",
        "A new document and its first version, a draft until a director approves it. Audited.",
        body: .json(.libraryVersionInput(titleRequired: true)),
        responses: [
            201: .json(.libraryVersion, "The first version."),
            400: "Malformed.",
            422: "No title or text, a bad tag, a control character (field names it).",
        ]
    )

    package static let oneLibraryDocument = APIOperation(
        "One library document, with its versions",
        "The versions the latest first, each with its text, its text as safe HTML and its approvals.",
        parameters: [.id],
        responses: [
            200: .json(.libraryDocumentDetail, "The document."),
            404: "No such document.",
        ]
    )

    package static let proposeLibraryVersion = APIOperation(
        "Propose a new version",
        """
        A draft beside the versions before it, which stay as written; the version in force stays in \
        force until this one is approved. Title, collection and tags not given are the latest version's. \
        Audited.
        """,
        parameters: [.id],
        body: .json(.libraryVersionInput(titleRequired: false)),
        responses: [
            201: .json(.libraryVersion, "The new version."),
            400: "Malformed.",
            404: "No such document.",
            422: "No text, a bad tag, a control character (field names it).",
        ]
    )

    package static let oneLibraryVersion = APIOperation(
        "One library version",
        parameters: [.id],
        responses: [
            200: .json(.libraryVersion, "The version."),
            404: "No such version.",
        ]
    )

    package static let approveLibraryVersion = APIOperation(
        "Approve a version (e-signature)",
        """
        By a person (not an API key) other than the version's author, re-entering their password: the \
        signature (meaning approved) binds the version's text; the version goes in force and the one in \
        force is superseded. Audited.
        """,
        parameters: [.id],
        body: .json(
            .object(
                [
                    "password": .string(maxLength: 1024),
                    "code": .string(maxLength: 32),
                    "reason": .string(maxLength: AuditTrail.maxReason),
                ], required: ["password"]
            )),
        responses: [
            200: .json(.libraryVersion, "The version, now in force."),
            400: "Malformed.",
            401: "Wrong password or code.",
            403: "An API key, or the version's author.",
            404: "No such version.",
            422: "Not a draft, or a later version is in force (field status).",
        ]
    )

    package static let exportLibrary = APIOperation(
        "Export the library as Markdown files in a zip",
        """
        Each document's current version (in force, else the latest) as a .md file with a front matter \
        of title, collection, tags, version and status. Filter by collection and tag.
        """,
        parameters: [
            .query("collection", "Exactly this collection.", .string(maxLength: LibraryStore.maxCollection)),
            .query("tag", "Documents with this tag.", .string(maxLength: LibraryStore.maxTag)),
        ],
        responses: [
            200: .file("application/zip", "The archive.", .binary),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let importLibrary = APIOperation(
        "Import Markdown files from a zip",
        """
        One zip of .md files (at most \(LibraryArchive.maxFiles), each at most \(LibraryArchive.maxFileBytes) \
        bytes), in the export's form; a file without front matter is titled by its name. A file whose \
        title is a document's becomes its new version unless it is the latest version's text; any other \
        a new document. Every version imported is a draft: putting it in force takes an approval. All \
        files or none. Audited.
        """,
        body: .multipart(
            .object(["file": .binary.described("The zip archive.")], required: ["file"])),
        responses: [
            200: .json(.libraryImport, "What was imported."),
            400: "Not a well-formed multipart body.",
            413: "Larger than server.max_body_bytes.",
            415: "Not multipart/form-data.",
            422: "Not a zip, a file other than .md, too many or too large files, a refused file (field file).",
        ]
    )
}

extension APISchema {
    package static let libraryTags = APISchema.array(
        .string(minLength: 1, maxLength: LibraryStore.maxTag), maxItems: LibraryStore.maxTags)

    package static let libraryDocument: APISchema = .object(
        [
            "id": .integer,
            "title": .string,
            "collection": .string,
            "tags": .array(.string),
            "in_force_version_id": .integer.nullable,
            "in_force_number": .integer.nullable,
            "latest_number": .integer,
            "awaits_approval": .boolean.described("A version later than the one in force waits for approval."),
            "created_by": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ],
        required: ["id", "title", "collection", "tags", "latest_number", "awaits_approval", "created_at"]
    ).named("LibraryDocument")

    package static let libraryVersion: APISchema = .object(
        [
            "id": .integer,
            "document_id": .integer,
            "number": .integer,
            "title": .string,
            "collection": .string,
            "tags": .array(.string),
            "body": .string.described("Markdown."),
            "html": .string.described(
                "The body rendered: only Markdown's elements, raw HTML as text, links only to http(s), mailto or relative."
            ),
            "change_note": .string,
            "status": .enumeration(["draft", "in_force", "superseded"]),
            "author": .string,
            "author_id": .integer.nullable,
            "created_at": .dateTime,
            "approved_by": .string.nullable,
            "approved_at": APISchema.dateTime.nullable,
            "superseded_at": APISchema.dateTime.nullable,
            "approvals": .array(.signature),
        ],
        required: ["id", "document_id", "number", "title", "body", "html", "status", "author", "approvals"]
    ).named("LibraryVersion")

    package static let libraryDocumentDetail: APISchema = .object(
        ["document": .libraryDocument, "versions": .array(.libraryVersion)], required: ["document", "versions"]
    ).named("LibraryDocumentDetail")

    package static func libraryVersionInput(titleRequired: Bool) -> APISchema {
        .object(
            [
                "title": .string(minLength: 1, maxLength: LibraryStore.maxTitle),
                "collection": .string(maxLength: LibraryStore.maxCollection).examples(["SOPs", "Media recipes"]),
                "tags": .libraryTags,
                "body": .string(minLength: 1, maxLength: LibraryStore.maxBody).described("Markdown."),
                "change_note": .string(maxLength: LibraryStore.maxChangeNote),
            ], required: titleRequired ? ["title", "body"] : ["body"])
    }

    package static let libraryImport: APISchema = .object(
        [
            "created": .integer,
            "proposed": .integer,
            "unchanged": .integer,
            "documents": .array(.integer),
        ], required: ["created", "proposed", "unchanged", "documents"]
    ).named("LibraryImport")
}
