// The JSON API documentation of the routes of Auth: each operation is named where its route is declared.

extension APIOperation {
    package static let whoAmI = APIOperation(
        "Who am I",
        "The principal behind the credential: a user (with role) or an API key (with scopes).",
        responses: [
            200: .json(.anyObject, "The principal.")
        ]
    )

    package static let signInForAccessToken = APIOperation(
        "Sign in for an access token",
        "For interactive API clients. Returns a 15-minute access token and a refresh token. Failures count towards the account lockout; attempts per address are limited. No authentication.",
        body: .json(
            .object(
                [
                    "email": .string(maxLength: 254),
                    "password": .string(maxLength: 1024),
                    "totp": .string(maxLength: 64).described(
                        "Current TOTP code or a recovery code, for accounts with two-factor sign-in."),
                ], required: ["email", "password"]
            )),
        responses: [
            200: .json(
                .object(
                    [
                        "access_token": .string.described("JWT, valid 15 minutes; send as Authorization: Bearer."),
                        "refresh_token": .string.described("Single use; exchange at /api/v1/auth/refresh."),
                        "token_type": .enumeration(["Bearer"]),
                        "expires_in": .integer,
                    ]
                ), "Tokens."),
            401: "Wrong email or password (the same answer for both), or code totp_required / a wrong TOTP code.",
            429: "Too many attempts; see Retry-After.",
            403: "two_factor_required: the role must enrol a second factor first (auth.require_2fa).",
        ]
    )

    package static let exchangeRefreshToken = APIOperation(
        "Exchange a refresh token",
        "Returns a new pair and retires the presented refresh token. A family of refresh tokens ends 30 days after the sign-in that started it, however often it is refreshed. Presenting a refresh token twice revokes its whole family (it was copied) and records a security event. No authentication.",
        body: .json(
            .object(
                [
                    "refresh_token": .string(maxLength: 512)
                ], required: ["refresh_token"]
            )),
        responses: [
            200: .json(
                .object(
                    [
                        "access_token": .string.described("JWT, valid 15 minutes; send as Authorization: Bearer."),
                        "refresh_token": .string.described("Single use; exchange at /api/v1/auth/refresh."),
                        "token_type": .enumeration(["Bearer"]),
                        "expires_in": .integer,
                    ]
                ), "New tokens."),
            401: "Unknown, expired, revoked or reused refresh token.",
            403: "two_factor_required: the role must now enrol a second factor first (auth.require_2fa).",
        ]
    )
}
