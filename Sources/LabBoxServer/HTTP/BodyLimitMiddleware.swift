import Hummingbird
import LabBoxValues

/// Refuses bodies over `server.max_body_bytes` with 413: at once when `Content-Length` says so, and
/// while reading for chunked uploads (Hummingbird's collectors stop at `context.maxUploadSize`).
/// A `multipart/form-data` body carries files, so it is bounded by `uploadLimit` instead
/// (`attachments.max_bytes` and room for the form's framing), when that is larger.
package struct BodyLimitMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let limit: Int
    package let uploadLimit: Int

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let isUpload = request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
        let limit = isUpload ? max(limit, uploadLimit) : limit
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message: "The request body is \(length) bytes; the limit is \(limit).")
        }
        var context = context
        context.maxUploadSize = limit
        return try await next(request, context)
    }

    /// `uploadLimit` is the largest file; a multipart body may hold it and 64 KiB of framing and fields.
    package init(limit: Int, uploadLimit: Int = 0) {
        self.limit = limit
        self.uploadLimit = uploadLimit + (uploadLimit > 0 ? 64 * 1024 : 0)
    }
}
