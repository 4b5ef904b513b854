import Foundation
import LabBoxPlatform
import LabBoxValues

/// What a person enters to sign: the meaning and their password (and authenticator code) again,
/// even inside a signed-in session. A witness standing at the same bench gives their own email.
package struct SignatureRequest: Decodable, Sendable {
    package var meaning: Signature.Meaning
    package var password: String
    package var code: String?
    package var email: String?
    package var reason: String?

    /// The user who signs, proven by re-authentication. Only a witness may sign from someone
    /// else's session; API keys belong to programs, which cannot sign.
    package func signer(identity: Identity, context: AppRequestContext) async throws -> User {
        guard let principal = context.principal, let sessionEmail = principal.email, principal.userID != nil,
            principal.credential.isPerson
        else {
            throw APIError(status: .forbidden, code: "forbidden", message: "Only a person can sign, not an API key.")
        }
        let email = email.flatMap { $0.isEmpty ? nil : $0 } ?? sessionEmail
        if email.lowercased() != sessionEmail.lowercased() && meaning != .witnessed {
            throw APIError.validationFailed("Only a witness may sign with another person's account.", field: "email")
        }
        return try await identity.reauthenticate(email: email, password: password, code: code, context: context)
    }

    package init(
        meaning: Signature.Meaning, password: String, code: String? = nil, email: String? = nil, reason: String? = nil
    ) {
        self.meaning = meaning
        self.password = password
        self.code = code
        self.email = email
        self.reason = reason
    }
}

/// A second person confirming an action as it happens, with their own credentials.
package struct WitnessRequest: Decodable, Sendable {
    package var email: String
    package var password: String
    package var code: String?

    package func witness(identity: Identity, context: AppRequestContext) async throws -> User {
        try await identity.reauthenticate(email: email, password: password, code: code, context: context)
    }

    package init(email: String, password: String, code: String? = nil) {
        self.email = email
        self.password = password
        self.code = code
    }
}
