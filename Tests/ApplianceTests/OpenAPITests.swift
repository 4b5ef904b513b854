import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Appliance

@Suite struct OpenAPITests {
    /// Routes that are HTML pages or files, not API operations.
    static let webRoutes: Set<String> = ["GET /", "GET /docs", "GET /static/**"]

    @Test func documentDescribesExactlyTheRegisteredAPIRoutes() async throws {
        let server = try TestServer()
        let router = try buildRouter(server.services)
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" }).subtracting(Self.webRoutes)
        let documented = try await server.test { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try response.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        }
        #expect(registered == documented)
    }

    @Test func referencePageListsEveryOperation() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(uri: "/docs", method: .get)
            #expect(response.status == .ok)
            for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
                #expect(response.text.contains("<code>\(path)</code>"))
            }
        }
    }
}
