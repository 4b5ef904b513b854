import Foundation
import Hummingbird
import LabBoxValues

/// Refuses clients outside `security.ip_allow`, inside `security.ip_block`, or blocked for abuse
/// (see ``AbuseDetectionMiddleware``).
package struct IPFilterMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let allow: [CIDR]
    package let deny: [CIDR]
    package let blocks: IPBlocks

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let ip = context.clientIP
        if !ip.isEmpty {
            if !allow.isEmpty && !allow.contains(where: { $0.contains(ip) })
                || deny.contains(where: { $0.contains(ip) })
                || blocks.isBlocked(ip)
            {
                throw APIError(status: .forbidden, code: "blocked", message: "Requests from \(ip) are not accepted.")
            }
        }
        return try await next(request, context)
    }

    package init(allow: [CIDR], deny: [CIDR], blocks: IPBlocks) {
        self.allow = allow
        self.deny = deny
        self.blocks = blocks
    }
}

/// Blocks an address for `security.auto_block_minutes` when its anonymous requests look like an
/// attack: a burst of 401/403/404 answers, or targets that only an attack asks for (path
/// traversal, script or SQL injection, a NUL, the server's secrets).
///
/// It runs after authentication and counts only requests without a valid credential: a signed-in
/// person following stale links, or a page whose images point at missing files, is not an
/// attacker, and behind NAT one block would lock the whole lab out. The box's own loopback
/// address is never blocked: an administrator must always be able to reach it.
package struct AbuseDetectionMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let blocks: IPBlocks
    package let blockDuration: TimeInterval
    /// 30 refusals a minute are tolerated (typos, stale links); a probe counts as 10.
    package let strikes = RateLimiter(perSecond: 0.5, burst: 30)

    /// Lowercase bytes, matched against the lowercased target's bytes: Foundation's
    /// `String.contains` bridges through `NSString` and cost 2.7 % of a create's CPU. A request
    /// for a `.php` page or `wp-admin` is only a 404 here: a harmless page can cause those.
    package static let probePatterns = [
        "../", "..%2f", "%00", "<script", "%3cscript", "union select", "union%20select", "/etc/passwd", "/.env",
        "/.git/",
    ].map { Array($0.utf8) }

    /// A plain scan: `firstRange(of:)` on `[UInt8]` is Foundation's generic `DataProtocol` search,
    /// which cost 1 % of a create's CPU.
    private static func occurs(_ pattern: [UInt8], in bytes: [UInt8]) -> Bool {
        guard bytes.count >= pattern.count else { return false }
        return (0...bytes.count - pattern.count).contains { start in
            bytes[start..<start + pattern.count].elementsEqual(pattern)
        }
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let ip = context.clientIP
        guard blockDuration > 0, !ip.isEmpty, context.principal == nil, !Self.isLoopback(ip) else {
            return try await next(request, context)
        }
        let target = request.uri.description.utf8.map { (65...90).contains($0) ? $0 | 0x20 : $0 }
        let isProbe = Self.probePatterns.contains { Self.occurs($0, in: target) }
        do {
            let response = try await next(request, context)
            try await strike(ip, status: response.status.code, probe: isProbe, context: context)
            return response
        } catch {
            let status = (error as? APIError)?.status.code ?? (error as? any HTTPResponseError)?.status.code ?? 500
            try await strike(ip, status: status, probe: isProbe, context: context)
            throw error
        }
    }

    private static func isLoopback(_ ip: String) -> Bool { ip.hasPrefix("127.") || ip == "::1" }

    private func strike(_ ip: String, status: Int, probe: Bool, context: Context) async throws {
        guard probe || [401, 403, 404].contains(status) else { return }
        var tripped = false
        for _ in 0..<(probe ? 10 : 1) where strikes.take(ip) != nil { tripped = true }
        if tripped && !blocks.isBlocked(ip) {
            try await blocks.block(
                ip, for: blockDuration, reason: probe ? "probing requests" : "burst of refused requests",
                event: context.eventContext)
        }
    }

    package init(blocks: IPBlocks, blockDuration: TimeInterval) {
        self.blocks = blocks
        self.blockDuration = blockDuration
    }
}
