// The JSON API documentation of the routes of Users: each operation is named where its route is declared.

extension APIOperation {
    package static let listUsers = APIOperation(
        "List users",
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.user)
                    ]
                ), "All users.")
        ]
    )

    package static let createUser = APIOperation(
        "Create a user",
        "Password: at least 12 characters, not a common password.",
        body: .json(
            .object(
                [
                    "email": .string(maxLength: 254),
                    "display_name": .string(maxLength: 100),
                    "role": .role,
                    "password": .string(maxLength: 1024),
                ], required: ["email", "display_name", "role", "password"]
            )),
        responses: [
            201: .json(.user, "Created."),
            409: "The email is taken.",
            422: "A field is invalid; see error.field.",
        ]
    )

    package static let changeUserRoleOrStatus = APIOperation(
        "Change a user's role or status",
        "Ends the user's sessions so the change applies at once.",
        parameters: [
            .id
        ],
        body: .json(
            .object(
                [
                    "role": .role,
                    "status": .enumeration(["active", "disabled"]),
                ]
            )),
        responses: [
            200: .json(.user, "Updated."),
            404: "No such user.",
            409: "Admins cannot demote or disable themselves.",
        ]
    )

    package static let endAllSessionsOfUser = APIOperation(
        "End all sessions of a user",
        parameters: [
            .id
        ],
        responses: [
            204: .empty("Done."),
            404: "No such user.",
        ]
    )
}

extension APISchema {
    package static let user: APISchema = .object(
        [
            "id": .integer,
            "email": .email,
            "display_name": .string,
            "role": .role,
            "status": .enumeration(["active", "disabled"]),
            "totp_enabled": .boolean,
            "created_at": .dateTime,
            "last_login_at": .dateTime.nullable,
        ], required: ["id", "email", "display_name", "role", "status"]
    ).named("User")
}

extension APISchema {
    /// A user's role.
    static let role = APISchema.enumeration(Role.allCases.map(\.rawValue))
}
