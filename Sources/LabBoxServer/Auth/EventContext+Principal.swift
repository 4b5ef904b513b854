import LabBoxPlatform

/// Who acts, as the server knows it: the audit trail (a floor below) only knows names and ids.
extension EventContext {
    package init(principal: Principal?, clientIP: String, requestID: String) {
        switch principal?.credential {
        case .none:
            self.init(clientIP: clientIP, requestID: requestID)
        case .apiKey(let id, _):
            self.init(
                clientIP: clientIP, requestID: requestID, actorType: .apiKey, actorID: id,
                actorName: "API key \(id)" + (principal?.email.map { " of \($0)" } ?? ""), personID: principal?.userID)
        case .session, .accessToken:
            self.init(
                clientIP: clientIP, requestID: requestID, actorType: .user, actorID: principal?.userID,
                actorName: principal?.email ?? principal?.displayName ?? "")
        }
    }

    /// The same request, acting as `user`: a sign-in, before the session exists.
    package func acting(as user: User) -> EventContext {
        EventContext(
            clientIP: clientIP, requestID: requestID, actorType: .user, actorID: user.id, actorName: user.email)
    }
}
