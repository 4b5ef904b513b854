import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues
import NIOCore
import Synchronization

/// Liveness, readiness and metrics: the endpoints a supervisor or monitoring system polls.
package struct HealthController {
    package let database: AppDatabase
    package let metricsToken: String?
    /// The last readiness answer and when it was found: anyone may ask, so the database is probed
    /// (a read and a write) at most once per ``readinessReuse``, however often it is asked.
    private let lastReadiness = LastReadiness()
    private static let readinessReuse = Duration.seconds(2)

    package func addRoutes(to routes: RouteTable) {
        routes.get("/healthz", .anonymous, .liveness) { _, _ in
            Response(status: .ok, headers: Self.aliveHeaders, body: .init(byteBuffer: Self.alive))
        }
        routes.get("/readyz", .anonymous, .readiness) { _, _ in try await ready() }
        routes.get("/metrics", .anonymous, .prometheusMetrics) { request, context in try metrics(request, context) }
    }

    /// Liveness is `{"status":"ok"}`, written once: supervisors poll it, and encoding it anew with
    /// `JSONEncoder` was 6 % of its CPU.
    private static let alive = ByteBuffer(string: #"{"status":"ok"}"#)
    private static let aliveHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    package struct Status: ResponseCodable {
        package let status: String
        package var checks: [String: String]?
    }

    /// Ready means the database commits a write and its schema is this binary's (``AppDatabase/readiness()``).
    private func ready() async throws -> Response {
        let now = ContinuousClock.now
        let ok: Bool
        let checks: [String: String]
        if let last = lastReadiness.value.withLock({ $0 }), now - last.at < Self.readinessReuse {
            (ok, checks) = (last.ok, last.checks)
        } else {
            // Stamped only when probed: stamping a reused answer too kept a server polled more often
            // than every two seconds on its first answer for good (scripts/test-faults, full disk).
            (ok, checks) = await database.readiness()
            lastReadiness.value.withLock { $0 = (now, ok, checks) }
        }
        let body = try JSONEncoder().encode(Status(status: ok ? "ok" : "unavailable", checks: checks))
        return Response(
            status: ok ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// With `metrics.token` set, scrapers must present it; without it only this machine may scrape.
    private func metrics(_ request: Request, _ context: AppRequestContext) throws -> Response {
        if let metricsToken {
            guard Secrets.constantTimeEquals(request.headers[.authorization] ?? "", "Bearer \(metricsToken)") else {
                throw APIError.unauthorized("/metrics needs the bearer token set in metrics.token.")
            }
        } else if !isLoopback(context.remoteAddress) {
            throw APIError.unauthorized("Set metrics.token to scrape /metrics from another machine.")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: AppMetrics.render())))
    }

    private func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return address == nil }
        return ip.hasPrefix("127.") || ip == "::1" || ip == "::ffff:127.0.0.1"
    }

    private final class LastReadiness: Sendable {
        let value = Mutex<(at: ContinuousClock.Instant, ok: Bool, checks: [String: String])?>(nil)
    }

    package init(database: AppDatabase, metricsToken: String?) {
        self.database = database
        self.metricsToken = metricsToken
    }
}
