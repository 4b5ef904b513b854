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
    /// The person behind the change: the signed-in user, or the owner of the API key. A witness
    /// must be someone else.
    package var personID: Int64?

    package init(
        clientIP: String, requestID: String, actorType: ActorType = .anonymous, actorID: Int64? = nil,
        actorName: String = "anonymous", personID: Int64? = nil
    ) {
        self.clientIP = clientIP
        self.requestID = requestID
        self.actorType = actorType
        self.actorID = actorID
        self.actorName = actorName
        self.personID = personID ?? (actorType == .user ? actorID : nil)
    }

    /// Changes LabBox makes by itself (first signing key, scheduled work).
    package static let server = EventContext(clientIP: "", requestID: "", actorType: .system, actorName: "labbox")

    /// Changes made by an operator on the server's command line, named by their login.
    package static let commandLine = EventContext(
        clientIP: "cli", requestID: "", actorType: .system, actorID: nil,
        actorName: "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"))
}
