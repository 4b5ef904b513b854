import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Appliance

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

    init(configure: (inout AppConfig) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory()
        var config = AppConfig()
        config.dataDirectory = directory.path
        config.port = 0
        configure(&config)
        let database = try AppDatabase(path: config.databasePath, config: config)
        try database.migrations.apply(to: database.pool, backupDirectory: config.backupsDirectory)
        services = try AppServices(config: config, database: database)
    }

    /// Runs `body` against the real router and middleware stack; `extraRoutes` may add routes
    /// that provoke what no production route does on demand (a crash, a slow answer).
    func test<T: Sendable>(
        extraRoutes: (Router<AppRequestContext>) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let router = try buildRouter(services)
        extraRoutes(router)
        let app = try buildApplication(services, router: router)
        return try await app.test(.router, body)
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
