import Hummingbird
import LabBoxPlatform
import LabBoxValues
import NIOCore

/// Per-request state shared by LabBox's middleware and controllers.
package struct AppRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by ``RequestIDMiddleware`` before anything else runs.
    package var requestID = ""
    /// Set by ``BodyLimitMiddleware`` from `server.max_body_bytes`; Hummingbird's decoders honour it.
    package var maxUploadSize = 10 * 1024 * 1024
    package let remoteAddress: SocketAddress?
    /// Set by ``AuthenticationMiddleware`` when the request carries a valid credential.
    package var principal: Principal?
    /// True when a bearer credential was sent but is unknown, expired or revoked.
    package var presentedInvalidCredential = false

    /// JSON for API clients, URL-encoded forms for the web pages.
    package var requestDecoder: AppRequestDecoder { AppRequestDecoder() }

    /// The client's address: the peer's, or what a trusted proxy forwarded (``ClientAddressMiddleware``).
    package var clientIP: String
    /// True when a trusted proxy says the client connected over HTTPS.
    package var forwardedHTTPS = false
    package var eventContext: EventContext {
        EventContext(principal: principal, clientIP: clientIP, requestID: requestID)
    }

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.clientIP = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// The route's `{id}`. An id that is not a whole number names no record, so it gets the same
    /// 404 as an id nothing has, on every route.
    package func id() throws -> Int64 {
        guard let id = parameters.get("id", as: Int64.self) else {
            throw APIError.notFound("Nothing has the id \"\(parameters.get("id") ?? "")\".")
        }
        return id
    }
}
