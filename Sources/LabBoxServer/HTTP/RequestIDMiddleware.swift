import Foundation
import HTTPTypes
import Hummingbird

/// Gives each request an id: a sane incoming `X-Request-ID` (from a proxy or a client that wants to
/// correlate), else a fresh random one. It is echoed in the response, logged and put in error bodies.
package struct RequestIDMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package static let header = HTTPField.Name("X-Request-ID")!

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var context = context
        let incoming = request.headers[Self.header]
        let id = incoming.flatMap { Self.isAcceptable($0) ? $0 : nil } ?? Self.generate()
        context.requestID = id
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }

    /// Letters, digits and `-_.:`, at most 128: anything else could forge log lines or headers.
    package static func isAcceptable(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.allSatisfy(allowed.contains)
    }

    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")

    /// 32 hex digits from 128 random bits.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let (high, low) = (generator.next() as UInt64, generator.next() as UInt64)
        return (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? high : low) >> (8 * (7 - $0 % 8))) }.hex
    }

    package init() {}
}
