import Attachments
import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Comments and Notes: each operation is named where its route is declared.

extension APIOperation {
    package static let listComments = APIOperation(
        "List comments",
        "Newest first; only those on records the caller may read.",
        parameters: [
            .query("entity_type", "The kind of record.", .attachableEntity),
            .query("entity_id", "The record's id (with entity_type).", .recordID),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .comment), "One page."),
            400: "A bad parameter (field names it).",
            422: "An unknown record type or a bad cursor (field names it).",
        ]
    )

    package static let addComment = APIOperation(
        "Comment on a record or a task",
        """
        Needs the record's read permission too. @name (the part of a user's email address before the @) \
        or @name@domain (the whole address) mentions a person, who is notified in the app and by email; \
        a mention of no one, of several people, or of someone who may not read the record is refused \
        (field body) and nothing is written. Comments are never changed or deleted. Audited.
        """,
        body: .json(.commentInput),
        responses: [
            201: .json(.comment, "Added."),
            400: "Malformed.",
            403: "The record is not the caller's to read.",
            422: "No text, an unknown record or an unknown mention (field names it).",
        ]
    )

    package static let oneComment = APIOperation(
        "One comment",
        parameters: [.id],
        responses: [
            200: .json(.comment, "The comment."),
            403: "The record is not the caller's to read.",
            404: "No such comment.",
        ]
    )

    package static let listNotes = APIOperation(
        "List journal notes",
        "The latest day observed first; only notes on records the caller may read.",
        parameters: [
            .query("entity_type", "The kind of record.", .attachableEntity),
            .query("entity_id", "The record's id (with entity_type).", .recordID),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.page(of: .journalNote), "One page."),
            400: "A bad parameter (field names it).",
            422: "An unknown record type or a bad cursor (field names it).",
        ]
    )

    package static let addNote = APIOperation(
        "Add a note to a record's journal",
        """
        Appended, never overwritten: a mistaken note is corrected by a new one naming it in corrects_id; \
        both stay. Needs the record's write permission too. observed_on defaults to today (the lab's \
        day) and may not be later. Audited.
        """,
        body: .json(.noteInput),
        responses: [
            201: .json(.journalNote, "Added."),
            400: "Malformed.",
            403: "The record is not the caller's to change.",
            422: "No text, a bad day, an unknown record or a correction of another record's note (field names it).",
        ]
    )

    package static let oneNote = APIOperation(
        "One journal note",
        parameters: [.id],
        responses: [
            200: .json(.journalNote, "The note."),
            403: "The record is not the caller's to read.",
            404: "No such note.",
        ]
    )
}

extension APISchema {
    package static let comment: APISchema = .object(
        [
            "id": .integer,
            "entity_type": .attachableEntity,
            "entity_id": .integer,
            "body": .string(minLength: 1, maxLength: Comment.maxBody),
            "author": .string,
            "author_id": .integer.nullable,
            "created_at": .dateTime,
        ],
        required: ["id", "entity_type", "entity_id", "body", "author", "created_at"]
    ).named("Comment")

    package static let commentInput: APISchema = .object(
        [
            "entity_type": .attachableEntity,
            "entity_id": .recordID,
            "body": .string(minLength: 1, maxLength: Comment.maxBody).examples(["@jane please check the P4 value."]),
        ], required: ["entity_type", "entity_id", "body"]
    ).named("CommentInput")

    package static let journalNote: APISchema = .object(
        [
            "id": .integer,
            "entity_type": .attachableEntity,
            "entity_id": .integer,
            "observed_on": .date,
            "body": .string(minLength: 1, maxLength: JournalNote.maxBody),
            "corrects_id": .integer.nullable,
            "author": .string,
            "author_id": .integer.nullable,
            "created_at": .dateTime,
        ],
        required: ["id", "entity_type", "entity_id", "observed_on", "body", "author", "created_at"]
    ).named("JournalNote")

    package static let noteInput: APISchema = .object(
        [
            "entity_type": .attachableEntity,
            "entity_id": .recordID,
            "observed_on": APISchema.date.described("The day observed; today when absent."),
            "body": .string(minLength: 1, maxLength: JournalNote.maxBody),
            "corrects_id": APISchema.recordID.described("The earlier note of this record that this one corrects."),
        ], required: ["entity_type", "entity_id", "body"]
    ).named("NoteInput")
}
