import CompressNIO
import Hummingbird

/// Gzips text responses of known size when the client accepts gzip. Streamed bodies (exports) pass
/// through untouched: buffering them to compress would defeat the streaming.
package struct CompressionMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package static let minimumBytes = 1024
    package static let maximumBytes = 8 * 1024 * 1024
    package static let compressibleTypes = [
        "text/", "application/json", "application/javascript", "image/svg+xml", "application/openmetrics",
    ]

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var response = try await next(request, context)
        guard request.headers[.acceptEncoding]?.contains("gzip") == true,
            response.headers[.contentEncoding] == nil,
            let length = response.body.contentLength,
            (Self.minimumBytes...Self.maximumBytes).contains(length),
            let type = response.headers[.contentType],
            Self.compressibleTypes.contains(where: { type.hasPrefix($0) })
        else { return response }
        let collector = Collector()
        try await response.body.write(collector)
        let compressed = try collector.buffer.compress(with: .gzip())
        response.body = .init(byteBuffer: compressed)
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = String(compressed.readableBytes)
        response.headers[values: .vary].append("Accept-Encoding")
        return response
    }

    /// A class, because `ResponseBody.write` consumes its writer and the bytes must outlive it.
    private final class Collector: ResponseBodyWriter {
        var buffer = ByteBuffer()
        func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            self.buffer.writeBuffer(&buffer)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    package init() {}
}
