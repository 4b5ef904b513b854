// The JSON API documentation of the routes of APIKeys: each operation is named where its route is declared.

extension APIOperation {
    package static let listAPIKeys = APIOperation(
        "List API keys",
        "Own keys; every key with the admin permission.",
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.apiKey)
                    ]
                ), "Keys, never their secrets.")
        ]
    )

    package static let createAPIKey = APIOperation(
        "Create an API key",
        "Scopes may not exceed the caller's own permissions. The secret is in this response only.",
        body: .json(
            .object(
                [
                    "name": .string(maxLength: 100),
                    "scopes": .array(.string(maxLength: 64)).examples([["samples:read", "samples:write"]]),
                    "expires_at": .dateTime,
                ], required: ["name", "scopes"]
            )),
        responses: [
            201: .json(
                .object(
                    [
                        "key": .apiKey,
                        "secret": .string.described("lbx_… — shown once."),
                    ]
                ), "Created."),
            422: "A field is invalid.",
        ]
    )

    package static let revokeAPIKey = APIOperation(
        "Revoke an API key",
        "Own keys; any key with the admin permission. Takes effect at once.",
        parameters: [
            .id
        ],
        responses: [
            204: .empty("Revoked."),
            404: "No such active key.",
        ]
    )
}

extension APISchema {
    package static let apiKey: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "prefix": .string.described("Recognisable start of the key, after lbx_."),
            "scopes": .array(.string),
            "user_id": .integer.nullable,
            "created_at": .dateTime,
            "expires_at": .dateTime.nullable,
            "last_used_at": .dateTime.nullable,
            "revoked": .boolean,
        ], required: ["id", "name", "prefix", "scopes", "revoked"]
    ).named("APIKey")
}
