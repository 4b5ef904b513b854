/// Who is making a request: a signed-in user (session cookie or access token) or an API key.
package struct Principal: Sendable, Equatable {
    package enum Credential: Sendable, Equatable {
        /// A browser session; unsafe methods must carry its CSRF token.
        case session(id: Int64, csrfToken: String)
        case accessToken
        case apiKey(id: Int64, scopes: Set<String>)

        /// A person who can re-enter a password, rather than a program holding a key.
        package var isPerson: Bool {
            if case .apiKey = self { return false }
            return true
        }
    }

    package let userID: Int64?
    package let email: String?
    package let displayName: String
    package let role: Role?
    package let credential: Credential
    /// Signed in, but `auth.require_2fa` sends them to enrol a second factor first.
    package var mustEnrolTwoFactor = false

    package func can(_ permission: Permission) -> Bool {
        switch credential {
        case .session, .accessToken:
            return role?.grants(permission) ?? false
        case .apiKey(_, let scopes):
            if [.anonymous, .signedIn].contains(permission) { return true }
            // A key acts for its owner's data, never on the owner's account.
            if [.account, .enrolling].contains(permission) { return false }
            return scopes.contains(Permission.admin.rawValue) || scopes.contains(permission.rawValue)
        }
    }

    /// How the access log names the principal: never a secret, just ids.
    package var logDescription: String {
        switch credential {
        case .session, .accessToken: "user:\(userID ?? 0)"
        case .apiKey(let id, _): "key:\(id)"
        }
    }

    package init(
        userID: Int64?, email: String?, displayName: String, role: Role?, credential: Credential,
        mustEnrolTwoFactor: Bool = false
    ) {
        self.userID = userID
        self.email = email
        self.displayName = displayName
        self.role = role
        self.credential = credential
        self.mustEnrolTwoFactor = mustEnrolTwoFactor
    }
}
