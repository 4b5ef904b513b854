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
}
