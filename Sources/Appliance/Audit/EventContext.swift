import Foundation

/// Who made a change and from where: recorded with every audit and security event.
package struct EventContext: Sendable {
    package enum ActorType: String, Codable, Sendable {
        case user
        case apiKey = "api_key"
        case system
        case anonymous
    }

    package var clientIP: String
    package var requestID: String
    package var actorType: ActorType
    package var actorID: Int64?
    package var actorName: String

    package init(
        clientIP: String, requestID: String, actorType: ActorType = .anonymous, actorID: Int64? = nil,
        actorName: String = "anonymous"
    ) {
        self.clientIP = clientIP
        self.requestID = requestID
        self.actorType = actorType
        self.actorID = actorID
        self.actorName = actorName
    }

    package init(principal: Principal?, clientIP: String, requestID: String) {
        switch principal?.credential {
        case .none:
            self.init(clientIP: clientIP, requestID: requestID)
        case .apiKey(let id, _):
            self.init(
                clientIP: clientIP, requestID: requestID, actorType: .apiKey, actorID: id,
                actorName: "API key \(id)" + (principal?.email.map { " of \($0)" } ?? ""))
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

    /// Changes LabBox makes by itself (first signing key, scheduled work).
    package static let server = EventContext(clientIP: "", requestID: "", actorType: .system, actorName: "labbox")

    /// Changes made by an operator on the server's command line, named by their login.
    package static let commandLine = EventContext(
        clientIP: "cli", requestID: "", actorType: .system, actorID: nil,
        actorName: "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"))
}
