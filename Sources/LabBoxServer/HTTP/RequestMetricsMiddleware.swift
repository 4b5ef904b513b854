import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Counts and times requests by route, method and status, under the names Hummingbird's
/// `MetricsMiddleware` gives them (`hb_requests_total`, `hb_request_errors_total`,
/// `http_server_request_duration_seconds`, `http_server_active_requests`), with the same
/// semantics (a request is timed until its body is written).
///
/// Its own because Hummingbird's looks each request's metrics up twice behind one process-wide
/// lock; here the metrics are found in one of 16 shards by the key's hash, each with its own lock.
package struct RequestMetricsMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    private struct Endpoint: Hashable, Sendable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    private struct EndpointMetrics: Sendable {
        let requests: Counter
        let errors: Counter
        let duration: Metrics.Timer

        init(_ endpoint: Endpoint) {
            let route = ("http.route", endpoint.route)
            let method = ("http.request.method", endpoint.method.rawValue)
            let status = String(endpoint.status.code)
            requests = Counter(
                label: "hb.requests", dimensions: [route, method, ("http.response.status_code", status)])
            errors = Counter(label: "hb.request.errors", dimensions: [route, method, ("error.type", status)])
            duration = Metrics.Timer(
                label: "http.server.request.duration",
                dimensions: [route, method, ("http.response.status_code", status)], preferredDisplayUnit: .seconds)
        }
    }

    private let endpoints = ShardedCache<Endpoint, EndpointMetrics> { EndpointMetrics($0) }
    private let active = ShardedCache<HTTPRequest.Method, Meter> {
        Meter(label: "http.server.active_requests", dimensions: [("http.request.method", $0.rawValue)])
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = active.value(request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            let endpoint = Endpoint(
                route: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer {
                    let metrics = endpoints.value(endpoint)
                    metrics.requests.increment()
                    metrics.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
                    active.decrement()
                }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = endpoints.value(
                Endpoint(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            metrics.requests.increment()
            metrics.errors.increment()
            active.decrement()
            throw error
        }
    }

    package init() {}
}

/// Values made once per key and kept, in 16 shards by the key's hash, each behind its own lock,
/// so that threads looking up different keys seldom wait for each other.
package final class ShardedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private final class Shard: Sendable {
        let values = Mutex<[Key: Value]>([:])
    }

    private let shards = (0..<16).map { _ in Shard() }
    private let make: @Sendable (Key) -> Value

    package init(make: @escaping @Sendable (Key) -> Value) {
        self.make = make
    }

    package func value(_ key: Key) -> Value {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))].values.withLock { values in
            if let value = values[key] { return value }
            let value = make(key)
            values[key] = value
            return value
        }
    }
}
