import Foundation
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct OpenAPITests {
    /// The API: everything under /api/ and the operational endpoints. The rest are HTML pages.
    static func isAPI(_ path: String) -> Bool {
        path.hasPrefix("/api/") || ["/healthz", "/readyz", "/metrics"].contains(path)
    }

    @Test func documentDescribesExactlyTheRegisteredAPIRoutes() async throws {
        let server = try TestServer()
        let router = try buildRouter(server.services)
        let registered = Set(
            router.routes.filter { Self.isAPI($0.path.description) }.map { "\($0.method.rawValue) \($0.path)" })
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
        let server = try TestServer()
        let session = try await server.signIn(.auditor)
        try await server.test { client in
            let response = try await client.execute(uri: "/docs", method: .get, headers: session.headers)
            #expect(response.status == .ok)
            for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
                #expect(response.text.contains("<code>\(path)</code>"))
            }
        }
    }
}
