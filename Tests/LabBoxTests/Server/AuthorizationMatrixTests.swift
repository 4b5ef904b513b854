import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Every registered route × every kind of caller, against the one permission table.
@Suite struct AuthorizationMatrixTests {
    enum Caller: String, CaseIterable {
        case anonymous, admin, director, technician, auditor, keyWithScope, keyWithoutScope
    }

    /// Every declared route is on the router; every other method on a known path is `405 Method
    /// Not Allowed` with an `Allow` header naming the declared ones, before any handler runs.
    @Test func declaredRoutesAreRoutedAndOtherMethodsAnswer405() async throws {
        let server = try TestServer { config in
            config.requestsPerSecond = 1_000_000
            config.requestBurst = 1_000_000
            config.autoBlockMinutes = 0
        }
        let policy = server.policy
        let registered = try buildRouter(server.services).routes.map { "\($0.method.rawValue) \($0.path.description)" }
        #expect(Set(policy.keys).isSubset(of: Set(registered)))
        let declared = Dictionary(grouping: policy.keys.map { $0.split(separator: " ", maxSplits: 1) }) {
            String($0[1])
        }.mapValues { Set($0.map { String($0[0]) }) }
        let methods: [HTTPRequest.Method] = [
            .get, .head, .post, .put, .patch, .delete, .trace, HTTPRequest.Method("QUERY")!,
        ]
        let refusals = declared.flatMap { route, allowed in
            methods.filter { !allowed.contains($0.rawValue) && !($0 == .head && allowed.contains("GET")) }
                .map { (route, $0, allowed.union(allowed.contains("GET") ? ["HEAD"] : [])) }
        }
        #expect(refusals.count > 1000)
        try await server.test { client in
            for (route, method, allowed) in refusals {
                let path = route.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "**", with: "x")
                    .replacingOccurrences(of: "{ip}", with: "192.0.2.1").replacingOccurrences(of: "{name}", with: "x")
                let response = try await client.execute(uri: path, method: method)
                #expect(response.status == .methodNotAllowed, "\(method) \(route)")
                #expect(response.headers[values: .contentLength].count <= 1, "\(method) \(route)")
                let allow = response.headers[.allow] ?? ""
                let methods = Set(allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(methods == allowed, "\(method) \(route): \(allow)")
            }
        }
    }

    /// `HEAD` is answered wherever `GET` is, with the same status and headers and no body.
    @Test func headAnswersLikeGetWithoutTheBody() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        try await server.test { client in
            for uri in ["/healthz", "/login", "/samples", "/api/v1/openapi.json"] {
                let get = try await client.execute(uri: uri, method: .get, headers: session.headers)
                let head = try await client.execute(uri: uri, method: .head, headers: session.headers)
                #expect(head.status == get.status, "\(uri)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
            }
            let anonymous = try await client.execute(uri: "/api/v1/samples", method: .head)
            #expect(anonymous.status == .unauthorized)
        }
    }

    /// The policy's shape, stated independently: only health, metrics, the API description, static
    /// files and signing in are open; user administration is admin-only; security events are for
    /// admins and auditors.
    @Test func policyOpensOnlyWhatMustBeOpen() throws {
        let policy = try TestServer().policy
        let anonymous = Set(policy.filter { $0.value == .anonymous }.keys)
        #expect(
            anonymous == [
                "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/**", "GET /api/v1/openapi.json",
                "GET /login", "POST /login", "GET /setup", "POST /setup", "POST /api/v1/auth/token",
                "POST /api/v1/auth/refresh", "GET /reset", "POST /reset", "POST /login/2fa",
                "GET /forgot", "POST /forgot", "POST /api/v1/auth/password-reset", "GET /shared/results/{token}",
            ])
        for (route, permission) in policy where route.contains("/users") {
            #expect(permission == .admin, "\(route)")
        }
        for (route, permission) in policy where route.contains("security") {
            #expect(permission == .securityRead, "\(route)")
        }
        for (route, permission) in policy where route.contains("audit") {
            #expect(permission == .auditRead, "\(route)")
        }
        // Webhooks send the lab's data elsewhere: only admins say where.
        for (route, permission) in policy where route.contains("webhook") {
            #expect(permission == .admin, "\(route)")
        }
        // Custom fields shape every record's forms: admins define them, everyone signed in reads them.
        for (route, permission) in policy where route.contains("custom-fields") {
            #expect(permission == (route.hasPrefix("GET /api/") ? .signedIn : .admin), "\(route)")
        }
    }

    @Test func rolesGrantWhatTheirNamesPromise() {
        let expected: [Permission: Set<Role>] = [
            .signedIn: Set(Role.allCases),
            .admin: [.admin],
            .securityRead: [.admin, .auditor],
            .auditRead: [.admin, .auditor],
            Permission(rawValue: "samples:read"): Set(Role.allCases),
            Permission(rawValue: "samples:write"): [.admin, .director, .technician],
            // Money is for those who may see it: technicians do not.
            .billingRead: [.admin, .director, .auditor],
            .billingWrite: [.admin, .director],
            // People's data as such: a technician neither reviews who read it nor exports or erases it.
            .privacyRead: [.admin, .director, .auditor],
            .privacyWrite: [.admin, .director],
            // Technicians propose library versions; directors (and admins) approve them.
            .libraryRead: Set(Role.allCases),
            .libraryWrite: [.admin, .director, .technician],
            .libraryApprove: [.admin, .director],
        ]
        for (permission, roles) in expected {
            #expect(Set(Role.allCases.filter { $0.grants(permission) }) == roles, "\(permission)")
        }
    }

    @Test func undeclaredRouteIsRefused() async throws {
        let server = try TestServer()
        let identity = server.services.identity
        let routes: (Router<AppRequestContext>) -> Void = { router in
            router.group().add(middleware: AuthorizationMiddleware(identity: identity, policy: AccessPolicy([])))
                .get("/api/v1/undeclared") { _, _ in "leaked" }
        }
        try await server.test(extraRoutes: routes) { client in
            let response = try await client.execute(uri: "/api/v1/undeclared", method: .get)
            #expect(response.status == .forbidden)
            #expect(!response.text.contains("leaked"))
        }
    }

    @Test func everyRouteAnswersEachCallerAsDeclared() async throws {
        // Every request comes from one client through one router, so the rate limit and the block
        // on bursts of refusals (tested in SecurityTests) are out of the way.
        let server = try TestServer { config in
            config.requestsPerSecond = 1_000_000
            config.requestBurst = 1_000_000
            config.autoBlockMinutes = 0
        }
        let routes = buildRoutes(server.services).routes.map { ($0.method, $0.path) }
        var roleUsers: [Role: User] = [:]
        for role in Role.allCases { roleUsers[role] = try await server.user(role) }
        // Keys carrying (or not) each permission a route can need.
        let policy = server.policy
        let permissions = Set(policy.values)
        var keyWith: [Permission: String] = [:]
        for permission in permissions where permission != .anonymous {
            // A person's own account is never a key's, whatever its scopes: the strongest key tries.
            let scopes: Set<String> =
                switch permission {
                case .signedIn: ["samples:read"]
                case .account, .enrolling: ["admin"]
                default: [permission.rawValue]
                }
            keyWith[permission] = try await server.apiKey(scopes)
        }
        let keyWithout = try await server.apiKey(["samples:read"])
        let (users, keys) = (roleUsers, keyWith)

        // One application for the whole walk: building the router for each of the ~1,800 requests
        // was most of this test's time.
        try await server.test { client in
            for (method, route) in routes {
                let path = route.replacingOccurrences(of: "{id}", with: "999999")
                    .replacingOccurrences(of: "{ip}", with: "192.0.2.1")
                    .replacingOccurrences(of: "**", with: "app.css")
                let permission = try #require(policy["\(method.rawValue) \(route)"])
                for caller in Caller.allCases {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    let allowed: Bool
                    switch caller {
                    case .anonymous:
                        allowed = permission == .anonymous
                    case .admin, .director, .technician, .auditor:
                        let role = Role(rawValue: caller.rawValue)!
                        let token = try await server.services.identity.sessions.start(
                            user: users[role]!, userAgent: "matrix", event: .commandLine)
                        let principal = try #require(
                            try await server.services.identity.sessions.principal(token: token))
                        guard case .session(_, let csrf) = principal.credential else { continue }
                        headers[.cookie] = "\(SessionStore.cookieName)=\(token)"
                        headers[AuthorizationMiddleware.csrfHeader] = csrf
                        allowed = role.grants(permission)
                    case .keyWithScope:
                        guard let key = keys[permission] else { continue }
                        headers[.authorization] = key
                        allowed = ![.account, .enrolling].contains(permission)
                    case .keyWithoutScope:
                        headers[.authorization] = keyWithout
                        allowed = Principal(
                            userID: nil, email: nil, displayName: "", role: nil,
                            credential: .apiKey(id: 0, scopes: ["samples:read"])
                        ).can(permission)
                    }
                    let status = try await client.execute(
                        uri: path, method: method, headers: headers, body: ByteBuffer(string: "{}")
                    ).status
                    let label = "\(method) \(route) as \(caller.rawValue) → \(status.code)"
                    if allowed {
                        #expect(![401, 403].contains(status.code), "\(label), expected access")
                        if caller == .anonymous || permission == .anonymous { continue }
                    } else if caller == .anonymous {
                        let expected = path.hasPrefix("/api/") ? 401 : 303
                        #expect(status.code == expected, "\(label), expected \(expected)")
                    } else {
                        #expect(status.code == 403, "\(label), expected 403")
                    }
                }
            }
        }
    }
}
