import LabBoxServer

// The JSON API documentation of the routes of mail templates: each operation is named where its route is declared.

extension APIOperation {
    package static let listMailTemplates = APIOperation(
        "List the mail templates",
        "Welcome, password reset, results ready, invoice, payment reminder, statement and staff notification: each with the text and HTML in use and the built-in default beside them.",
        responses: [
            200: .json(.object(["items": .array(.mailTemplate)], required: ["items"]), "The templates.")
        ]
    )

    package static let mailTemplate = APIOperation(
        "A mail template",
        parameters: [
            .path("name", "The template's name, e.g. email-results-ready.", .string)
        ],
        responses: [
            200: .json(.mailTemplate, "The template."),
            404: "No such template.",
        ]
    )

    package static let changeMailTemplate = APIOperation(
        "Change a mail template",
        "Stores the admin's version, used for every message queued from now on. Both parts must be valid Mustache; otherwise 422 names the part (field text or html) and the line, and nothing is stored. Audited with the text before and after.",
        parameters: [
            .path("name", "The template's name.", .string)
        ],
        body: .json(.mailTemplateInput),
        responses: [
            200: .json(.mailTemplate, "The template as now used."),
            404: "No such template.",
            422: "Invalid Mustache, an empty plain-text part or a part over 20,000 characters (field names it).",
        ]
    )

    package static let resetMailTemplate = APIOperation(
        "Reset a mail template to its default",
        "Deletes the admin's version; the built-in template is used again. Audited.",
        parameters: [
            .path("name", "The template's name.", .string)
        ],
        responses: [
            200: .json(.mailTemplate, "The template, now the default."),
            404: "No such template.",
        ]
    )

    package static let previewMailTemplate = APIOperation(
        "Preview a mail template",
        "Renders the given text and HTML with sample values of this template. Stores nothing.",
        parameters: [
            .path("name", "The template's name.", .string)
        ],
        body: .json(.mailTemplatePreviewInput),
        responses: [
            200: .json(.object(["text": .string, "html": .string], required: ["text", "html"]), "The rendering."),
            404: "No such template.",
            422: "Invalid Mustache (field text or html).",
        ]
    )
}

extension APISchema {
    package static let mailTemplate: APISchema = .object(
        [
            "name": .string,
            "title": .string,
            "purpose": .string,
            "customised": .boolean.described("Whether an admin's version replaces the default."),
            "text": .string,
            "html": .string,
            "default_text": .string,
            "default_html": .string,
            "updated_at": .dateTime.described("Edited templates only."),
            "updated_by": .string.described("Edited templates only."),
        ],
        required: ["name", "title", "purpose", "customised", "text", "html", "default_text", "default_html"]
    ).named("MailTemplate")

    package static let mailTemplateInput: APISchema = .object(
        [
            "text": .string(maxLength: 20_000).described("Mustache; the plain-text part."),
            "html": .string(maxLength: 20_000).described("Mustache; the HTML part, empty for plain text only."),
        ], required: ["text"]
    ).named("MailTemplateInput")

    /// A preview renders what it is given; a part not given renders empty.
    package static let mailTemplatePreviewInput: APISchema = .object(
        [
            "text": .string(maxLength: 20_000).described("Mustache; the plain-text part."),
            "html": .string(maxLength: 20_000).described("Mustache; the HTML part."),
        ]
    ).named("MailTemplatePreviewInput")
}
