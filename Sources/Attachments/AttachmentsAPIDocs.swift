import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Attachments: each operation is named where its route is declared.

extension APIOperation {
    package static let listAttachments = APIOperation(
        "List attachments",
        "Newest first; only those of records the caller may read. Filter by record, or by purchase-order number to find the files filed under one order.",
        parameters: [
            .query("entity_type", "The kind of record.", .attachableEntity),
            .query("entity_id", "The record's id (with entity_type).", .recordID),
            .query("po_number", "Files filed under this purchase-order number.", .string(maxLength: 64)),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .attachment), "One page."),
            422: "An unknown record type or a bad cursor (field names it).",
        ]
    )

    package static let uploadAttachment = APIOperation(
        "Attach a file to a record",
        """
        One file per request, as multipart/form-data. The type is told by the content (magic bytes), \
        not the name or the part's Content-Type: \(FileType.allowed). The same content is stored once. \
        Needs the record's write permission too (an invoice's files need billing:write). Audited, \
        with the file's SHA-256 in the event.
        """,
        body: .multipart(
            .object(
                [
                    "entity_type": .attachableEntity,
                    "entity_id": .recordID,
                    "po_number": .string(maxLength: 64).described("Purchase-order number to file it under."),
                    "file": .binary.described("The file; its part's filename is kept (at most 255 characters)."),
                ], required: ["entity_type", "entity_id", "file"])),
        responses: [
            201: .json(.attachment, "Stored."),
            400: "Not a well-formed multipart body.",
            403: "The credential lacks attachments:write or the record's write permission.",
            413: "The file is larger than attachments.max_bytes.",
            415: "Not multipart/form-data.",
            422: """
            No file, several files, an unknown record, content of no allowed type (code \
            file_type_not_allowed), or a name that disguises the content (field names it).
            """,
        ]
    )

    package static let oneAttachment = APIOperation(
        "One attachment",
        parameters: [.id],
        responses: [
            200: .json(.attachment, "Its metadata."),
            404: "No such live attachment.",
        ]
    )

    package static let downloadAttachment = APIOperation(
        "Download an attachment",
        """
        The file with its sniffed Content-Type, X-Content-Type-Options: nosniff and \
        Content-Disposition: attachment; filename*=UTF-8''… (inline=true shows an image in place).
        """,
        parameters: [
            .id,
            .query(
                "inline", "true: an image is shown in the browser rather than saved.", .enumeration(["true", "false"])),
        ],
        responses: [
            200: .file("*/*", "The file, with the type its content was recognised as.", .binary),
            404: "No such live attachment, or its file is gone.",
        ]
    )

    package static let deleteAttachment = APIOperation(
        "Delete an attachment",
        "Needs a reason. The attachment leaves lists; its row, its history and the stored file stay. Audited.",
        parameters: [.id],
        body: .json(
            .object(["reason": .string(minLength: 1, maxLength: AuditTrail.maxReason)], required: ["reason"])),
        responses: [
            204: .empty("Deleted."),
            404: "No such live attachment.",
            422: "No reason given (field reason).",
        ]
    )
}

extension APISchema {
    /// The kinds of record files (and tasks, comments and notes) can belong to.
    package static let attachableEntities = [
        "animal", "customer", "sample", "lab_order", "transfer", "invoice", "task",
    ]
    package static let attachableEntity = APISchema.enumeration(attachableEntities)

    package static let attachment: APISchema = .object(
        [
            "id": .integer,
            "entity_type": .attachableEntity,
            "entity_id": .integer,
            "file_name": .string(maxLength: 255),
            "media_type": .string.examples(["application/pdf"]),
            "size": .integer,
            "sha256": .string(minLength: 64, maxLength: 64),
            "po_number": .string(maxLength: 64),
            "uploaded_by": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
            "deleted_at": .dateTime.nullable,
        ],
        required: [
            "id", "entity_type", "entity_id", "file_name", "media_type", "size", "sha256", "po_number",
            "uploaded_by", "created_at", "updated_at",
        ]
    ).named("Attachment")
}
