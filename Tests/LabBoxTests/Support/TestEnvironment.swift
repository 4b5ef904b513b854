import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// A fresh data directory under the system temp folder, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "labbox-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A migrated database in a temporary data directory and the services built on it, exactly as
/// `labbox serve` builds them.
struct TestServer: Sendable {
    let directory: TemporaryDirectory
    let services: AppServices

    init(directory: TemporaryDirectory? = nil, configure: (inout AppConfig) -> Void = { _ in }) throws {
        self.directory = try directory ?? TemporaryDirectory()
        var config = AppConfig()
        config.dataDirectory = self.directory.path
        config.port = 0
        // Two readers, not eight: the suite runs some eighty servers at once in this process, and
        // with more than about a thousand open descriptors Foundation's `Process.run()` can crash
        // (it over-reads `/proc/self/fd`'s entries; swift-corelibs-foundation PR 5472, not in 6.3.1).
        config.maxReaders = 2
        configure(&config)
        let database = try AppDatabase(path: config.databasePath, config: config)
        try database.migrations.apply(to: database.pool, backupDirectory: config.backupsDirectory)
        services = try AppServices(config: config, database: database)
    }

    /// Every declared route's permission, as the authorization middleware enforces it.
    var policy: [String: Permission] { AccessPolicy(buildRoutes(services).routes).permissions }

    /// A new server on the data directory of `server`, whose database must be closed.
    static func reopen(_ server: TestServer) throws -> TestServer {
        try TestServer(directory: server.directory)
    }

    /// Runs `body` against the real router and middleware stack; `extraRoutes` may add routes
    /// that provoke what no production route does on demand (a crash, a slow answer).
    func test<T: Sendable>(
        _ mode: TestingSetup = .router,
        extraRoutes: (Router<AppRequestContext>) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let router = try buildRouter(services)
        extraRoutes(router)
        let app = try buildApplication(services, router: router)
        return try await app.test(mode, body)
    }
}

/// A signed-in browser: the `Cookie` header value and the session's CSRF token.
struct BrowserSession: Sendable {
    let cookie: String
    let csrf: String

    var headers: HTTPFields { [.cookie: cookie, AuthorizationMiddleware.csrfHeader: csrf] }
}

extension TestServer {
    static let password = "correct horse battery staple"

    /// A user with `role` (created once per email; bcrypt makes creation slow on purpose).
    func user(_ role: Role, email: String? = nil) async throws -> User {
        let email = email ?? "\(role.rawValue)@lab.example"
        if let existing = try await services.identity.users.user(email: email) { return existing }
        return try await services.identity.users.create(
            .init(email: email, displayName: role.label, role: role, password: Self.password), by: nil,
            event: .commandLine)
    }

    /// A fresh session for a user with `role`.
    func signIn(_ role: Role) async throws -> BrowserSession {
        let user = try await user(role)
        let token = try await services.identity.sessions.start(user: user, userAgent: "test", event: .commandLine)
        let principal = try #require(try await services.identity.sessions.principal(token: token))
        guard case .session(_, let csrf) = principal.credential else { throw CancellationError() }
        return BrowserSession(cookie: "\(SessionStore.cookieName)=\(token)", csrf: csrf)
    }

    /// How many security events of `kind` were recorded.
    func eventCount(_ kind: String) async throws -> Int {
        try await services.database.read { try SecurityEvent.filter(Column("kind") == kind).fetchCount($0) }
    }

    /// A new API key with `scopes`; the `Authorization` header value.
    func apiKey(_ scopes: Set<String>, expiresAt: Date? = nil) async throws -> String {
        let created = try await services.identity.apiKeys.create(
            name: "test key", scopes: scopes, owner: nil, expiresAt: expiresAt, by: nil, event: .commandLine)
        return "Bearer " + created.secret
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The `error` object of an API error body, after checking its required members.
    func apiError() throws -> [String: Any] {
        let error = try #require(try json()["error"] as? [String: Any])
        #expect(error["code"] is String)
        #expect(error["message"] is String)
        #expect((error["request_id"] as? String)?.isEmpty == false)
        return error
    }
}

/// The code an authenticator app would show now, computed the way the app does.
enum HummingbirdOTPCode {
    static func compute(secret: String) -> Int { TOTP(secret: secret).compute() }
}
