// The JSON API documentation of the routes of Password: each operation is named where its route is declared.

extension APIOperation {
    package static let issuePasswordResetLink = APIOperation(
        "Issue a password reset link",
        "The link is valid 30 minutes and works once; using it ends the user's sessions and refresh tokens.",
        parameters: [
            .path("id", "The user's id.")
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "url": .string,
                        "expires_at": .dateTime,
                    ]
                ), "The link."),
            404: "No such user.",
        ]
    )

    package static let requestPasswordReset = APIOperation(
        "Ask for a password reset link by email",
        "Self-service \"Forgot password?\": when the address is an active account's, a link valid 30 minutes (once) is emailed to it. The answer is the same whether or not the account exists. Five requests per client address per 15 minutes; three emails per address per hour (further requests get the same answer and send nothing). No authentication. 409 when lab.public_url (or security.trusted_hosts) is not set, since the link could not be trusted.",
        body: .json(.object(["email": .string(maxLength: 254)], required: ["email"])),
        responses: [
            202: .json(.object(["message": .string]), "The same answer for every address."),
            409: "Reset by email is off: lab.public_url is not set.",
            422: "Not an email address.",
            429: "Too many requests from this address; see Retry-After.",
        ]
    )
}
