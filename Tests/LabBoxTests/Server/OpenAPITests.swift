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
        let registered = Set(buildRoutes(server.services).routes.filter { Self.isAPI($0.path) }.map(\.key))
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

    /// The document is generated from the route declarations, so it is checked as a client would:
    /// by a validator of the OpenAPI 3.1 specification (openapi-spec-validator, from PyPI).
    @Test func documentIsValidOpenAPI31() async throws {
        let server = try TestServer()
        let document = try await server.test { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get).body
        }
        let file = server.directory.path + "/openapi.json"
        try Data(buffer: document).write(to: URL(fileURLWithPath: file))
        // scripts/test points this at a venv with the validator; otherwise the system Python must have it.
        let python = ProcessInfo.processInfo.environment["LABBOX_TEST_PYTHON"] ?? "/usr/bin/python3"
        let result = try await LabBoxProcess.run(
            ["-c", "import json, sys, openapi_spec_validator as v; v.validate(json.load(open(sys.argv[1])))", file],
            binary: python)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Every API operation names the permission it needs, and the web pages are not in the document.
    @Test func everyOperationCarriesItsRoutesPermission() throws {
        let routes = buildRoutes(try TestServer().services).routes
        for route in routes {
            #expect((route.operation != nil) == Self.isAPI(route.path), "\(route.key)")
        }
        let document = try #require(
            try JSONSerialization.jsonObject(with: OpenAPIDocument(routes: routes).json) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for route in routes where route.operation != nil {
            let operation = paths[route.path]?[route.method.rawValue.lowercased()]
            #expect(operation?["x-permission"] as? String == route.permission.rawValue, "\(route.key)")
        }
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
