import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Where every route is declared, once: its method, path, the permission it needs and, for the
/// JSON API, its documentation, beside the handler.
///
/// Controllers declare into the table (`routes.get("/samples/{id}", .samplesRead) { … }`); the app
/// then installs it on the router. The access policy and the served OpenAPI document are both
/// derived from these declarations, so there is no second list to keep equal.
package final class RouteTable: Sendable {
    package struct Route: Sendable {
        package let method: HTTPRequest.Method
        package let path: String
        package let permission: Permission
        /// The documentation, made only when asked for (the OpenAPI document, the reference page):
        /// a server that nobody asks for its API description never builds it.
        fileprivate let documentation: @Sendable () -> APIOperation?
        fileprivate let respond: @Sendable (Request, AppRequestContext) async throws -> Response
        fileprivate let bounds: BodyBounds

        package var operation: APIOperation? { documentation() }

        /// `GET /samples/{id}`: how the policy and the tests name a route.
        package var key: String { "\(method.rawValue) \(path)" }
    }

    private struct State {
        var routes: [Route] = []
        var installed = false
        var document: Data?
    }

    private let state = Mutex(State())

    package init() {}

    /// Every declared route, in the order declared.
    package var routes: [Route] { state.withLock { $0.routes } }

    @inlinable @discardableResult
    package func get(
        _ path: String, _ permission: Permission,
        _ operation: @autoclosure @escaping @Sendable () -> APIOperation? = nil,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        declare(.get, path, permission, operation) { try await handler($0, $1).response(from: $0, context: $1) }
    }

    @inlinable @discardableResult
    package func post(
        _ path: String, _ permission: Permission,
        _ operation: @autoclosure @escaping @Sendable () -> APIOperation? = nil,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        declare(.post, path, permission, operation) { try await handler($0, $1).response(from: $0, context: $1) }
    }

    @inlinable @discardableResult
    package func patch(
        _ path: String, _ permission: Permission,
        _ operation: @autoclosure @escaping @Sendable () -> APIOperation? = nil,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        declare(.patch, path, permission, operation) { try await handler($0, $1).response(from: $0, context: $1) }
    }

    @inlinable @discardableResult
    package func delete(
        _ path: String, _ permission: Permission,
        _ operation: @autoclosure @escaping @Sendable () -> APIOperation? = nil,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        declare(.delete, path, permission, operation) { try await handler($0, $1).response(from: $0, context: $1) }
    }

    /// Adds a route. The typed methods above are inlined into each controller's module, so that
    /// turning a handler's result into a `Response` is compiled for its concrete type there rather
    /// than looked up at run time on every request.
    package func declare(
        _ method: HTTPRequest.Method, _ path: String, _ permission: Permission,
        _ operation: @escaping @Sendable () -> APIOperation?,
        respond: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) -> Self {
        let route = Route(
            method: method, path: path, permission: permission, documentation: operation, respond: respond,
            bounds: BodyBounds(operation))
        state.withLock { state in
            precondition(!state.installed, "\(route.key) declared after the routes were installed")
            precondition(!state.routes.contains { $0.key == route.key }, "\(route.key) declared twice")
            state.routes.append(route)
        }
        return self
    }

    /// Puts every route on `router`, behind the authorization middleware that enforces each one's
    /// permission. Nothing can be declared afterwards.
    ///
    /// A known path asked with a method it does not have answers `405 Method Not Allowed` with the
    /// methods it allows (RFC 9110), not `404`; `HEAD` is answered wherever `GET` is (the router is
    /// built with `.autoGenerateHeadEndpoints`).
    package func install(on router: Router<AppRequestContext>, identity: Identity) {
        let routes = state.withLock { state in
            state.installed = true
            return state.routes
        }
        let group = router.group().add(
            middleware: AuthorizationMiddleware(identity: identity, policy: AccessPolicy(routes)))
        for route in routes {
            guard [.post, .put, .patch, .delete].contains(route.method) else {
                group.on(RouterPath(route.path), method: route.method, use: route.respond)
                continue
            }
            group.on(RouterPath(route.path), method: route.method) { request, context in
                try await route.respond(route.bounds.refuseOversizedText(request, context), context)
            }
        }
        let others = Router(context: AppRequestContext.self)
        for (path, declared) in Dictionary(grouping: routes, by: \.path) {
            var allowed = Set(declared.map(\.method))
            if allowed.contains(.get) { allowed.insert(.head) }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            for method in Self.methods where !allowed.contains(method) {
                others.on(RouterPath(path), method: method) { _, _ -> Response in
                    Response(status: .methodNotAllowed, headers: [.allow: allow])
                }
            }
        }
        router.add(middleware: MethodNotAllowedMiddleware(others: others.buildResponder()))
    }

    /// The methods a path may be asked with (QUERY: the safe method with a body, RFC draft).
    private static let methods: [HTTPRequest.Method] = [
        .get, .head, .post, .put, .patch, .delete, .trace, HTTPRequest.Method("QUERY")!,
    ]

    /// The OpenAPI document of the declared routes, built once on first use (after installation,
    /// when the table no longer changes).
    package var openAPIDocument: Data {
        state.withLock { state in
            if let document = state.document { return document }
            let document = OpenAPIDocument(routes: state.routes).json
            state.document = document
            return document
        }
    }
}

/// Answers `405 Method Not Allowed` where the router found no route: the known paths' other
/// methods are kept in a router of their own, without middleware, and asked only then. Each route
/// on the app's router carries its own copy of the whole middleware chain, and the 2,400 path and
/// method pairs that only refuse were most of the idle server's heap (docs/BENCHMARKS.md).
private struct MethodNotAllowedMiddleware: RouterMiddleware {
    let others: RouterResponder<AppRequestContext>

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard context.endpointPath == "NotFound" else { throw error }
            let answer = try await others.respond(to: request, context: context)
            guard answer.status == .methodNotAllowed, let allow = answer.headers[.allow] else { throw error }
            // Thrown, as a route's refusal is, for the error middleware to answer in the API's shape
            // (with only the Allow header: the answer's own Content-Length is not the error body's).
            throw HTTPError(.methodNotAllowed, headers: [.allow: allow])
        }
    }
}

/// Refuses a JSON body holding a text beyond the bound its route documents (``TextBounds``),
/// before the handler sees it; otherwise the request goes on with its body read into memory.
private final class BodyBounds: Sendable {
    private let documentation: @Sendable () -> APIOperation?
    /// Worked out on the route's first write, so that the documentation stays unbuilt until then.
    private let bounds = Mutex<Bounds??>(nil)

    private struct Bounds {
        let bounds: TextBounds
        let smallestLimit: Int
    }

    init(_ documentation: @escaping @Sendable () -> APIOperation?) {
        self.documentation = documentation
    }

    func refuseOversizedText(_ request: Request, _ context: AppRequestContext) async throws -> Request {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
            let bounds = self.bounds.withLock({ bounds in
                if let known = bounds { return known }
                let made = documentation()?.textBounds.map { Bounds(bounds: $0, smallestLimit: $0.smallestLimit) }
                bounds = .some(made)
                return made
            })
        else { return request }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard TextBounds.mayRefuse(body.readableBytesView, limit: bounds.smallestLimit) else { return request }
        // A body that is not JSON is left to the decoder, which says why.
        guard let json = try? JSONSerialization.jsonObject(with: Data(buffer: body), options: .fragmentsAllowed)
        else { return request }
        try bounds.bounds.check(json)
        return request
    }
}
