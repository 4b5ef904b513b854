import Hummingbird
import NIOCore

/// Per-request state shared by LabBox's middleware and controllers.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by ``RequestIDMiddleware`` before anything else runs.
    var requestID = ""
    /// Set by ``BodyLimitMiddleware`` from `server.max_body_bytes`; Hummingbird's decoders honour it.
    var maxUploadSize = 10 * 1024 * 1024
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
