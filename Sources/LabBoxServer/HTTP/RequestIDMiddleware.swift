import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

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

    /// 32 hex digits: 64 random bits drawn once per process, then a counter scrambled by
    /// SplitMix64's finaliser (a bijection, so still unique, but not a count of the requests
    /// served). Unique across processes and restarts, which is all an id for correlation needs
    /// (it grants nothing); 128 random bits per request took two `getrandom` calls, 3 % of `/healthz`.
    package static func generate() -> String {
        var low = counter.wrappingAdd(1, ordering: .relaxed).newValue ^ processPrefix
        low = (low ^ (low >> 30)) &* 0xbf58_476d_1ce4_e5b9
        low = (low ^ (low >> 27)) &* 0x94d0_49bb_1331_11eb
        low ^= low >> 31
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        withUnsafeBytes(of: processPrefix.bigEndian) { bytes += $0 }
        withUnsafeBytes(of: low.bigEndian) { bytes += $0 }
        return bytes.hex
    }

    private static let processPrefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    package init() {}
}
