import Hummingbird
import LabBoxValues

/// Refuses bodies over `server.max_body_bytes` with 413: at once when `Content-Length` says so, and
/// while reading for chunked uploads (Hummingbird's collectors stop at `context.maxUploadSize`).
package struct BodyLimitMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let limit: Int

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message: "The request body is \(length) bytes; the limit is \(limit).")
        }
        var context = context
        context.maxUploadSize = limit
        return try await next(request, context)
    }

    package init(limit: Int) {
        self.limit = limit
    }
}
