import Biobank
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

extension TestClientProtocol {
    /// A JSON API request with an `Authorization` header (API key) or a browser session.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, auth: String? = nil, session: BrowserSession? = nil,
        json: [String: Any]? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let auth { headers[.authorization] = auth }
        if let session { headers.append(contentsOf: session.headers) }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// An HTML form post from a signed-in browser.
    func sendForm(_ uri: String, session: BrowserSession, _ fields: [String: String]) async throws -> TestResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        var headers = session.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// A `multipart/form-data` post, as a browser's file form or an API client sends it: text
    /// fields, then files (field name, file name, bytes).
    func sendMultipart(
        _ uri: String, auth: String? = nil, session: BrowserSession? = nil, csrfHeader: Bool = true,
        fields: [(String, String)] = [], files: [(field: String, name: String, bytes: Data)]
    ) async throws -> TestResponse {
        let boundary = "----LabBoxTest" + UUID().uuidString.prefix(8)
        var body = Data()
        for (name, value) in fields {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        .utf8))
            body.append(file.bytes)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if let auth { headers[.authorization] = auth }
        if let session {
            headers[.cookie] = session.cookie
            if csrfHeader { headers[AuthorizationMiddleware.csrfHeader] = session.csrf }
        }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(data: body))
    }

    /// A `text/csv` upload.
    func sendCSV(_ uri: String, auth: String, _ csv: String) async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: [.authorization: auth, .contentType: "text/csv"],
            body: ByteBuffer(string: csv))
    }

    /// A new bovine animal's id.
    func newAnimal(auth: String, name: String, sex: String = "female", species: String = "bovine") async throws
        -> Int64
    {
        let response = try await send(
            .post, "/api/v1/animals", auth: auth, json: ["species": species, "name": name, "sex": sex])
        guard let id = try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)),
            let id = (id as? [String: Any])?["id"] as? Int
        else { throw APIError.invalid("could not create \(name): \(String(buffer: response.body))", field: "name") }
        return Int64(id)
    }

    /// A new sample's id (a valid body with a unique external id).
    func newSample(auth: String) async throws -> Int {
        let created = try await send(.post, "/api/v1/samples", auth: auth, json: TestServer.sampleBody())
        return try #require(try created.json()["id"] as? Int)
    }

    /// The signature manifest of sample `id`: who signed which version, meaning what.
    func signatureManifest(ofSample id: Int, auth: String) async throws -> [[String: Any]] {
        let response = try await send(.get, "/api/v1/samples/\(id)/signatures", auth: auth)
        return try #require(try response.json()["items"] as? [[String: Any]])
    }

    /// A JSON `POST` whose answer must have `status`; the answer's body.
    func postJSON(
        _ path: String, auth: String? = nil, session: BrowserSession? = nil, _ body: [String: Any],
        expect status: HTTPResponse.Status = .created
    ) async throws -> [String: Any] {
        let response = try await send(.post, path, auth: auth, session: session, json: body)
        #expect(response.status == status, "\(path): \(response.text)")
        return try response.json()
    }
}

extension TestServer {
    /// Every audit event, oldest first.
    func auditEvents() async throws -> [AuditEvent] {
        try await services.database.read { try AuditEvent.order(Column("seq")).fetchAll($0) }
    }

    func verifyAudit() async throws -> AuditTrail.Verification {
        try await services.database.read { try AuditTrail.verify($0) }
    }

    /// A valid sample body with a unique external id.
    static func sampleBody(_ externalID: String = "S-" + UUID().uuidString.prefix(8), species: String = "bovine")
        -> [String: Any]
    {
        [
            "external_id": externalID, "species": species, "kind": "semen", "status": "received",
            "collected_at": "2026-03-01T09:30:00Z", "notes": "",
        ]
    }

    /// The scopes the reproduction tests' key carries.
    static let reproductionScopes: Set<String> = [
        "reproduction:read", "reproduction:write", "animals:write", "samples:read", "storage:read",
    ]
}

/// A server with `count` samples created through the API, and the key used.
func serverWithSamples(_ count: Int) async throws -> (TestServer, String) {
    let server = try TestServer()
    let key = try await server.apiKey(["samples:read", "samples:write"])
    try await server.test { client in
        for index in 0..<count {
            let response = try await client.send(
                .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("A-\(index)"))
            #expect(response.status == .created)
        }
    }
    return (server, key)
}

/// Adds `count` bovine semen samples `<prefix>-0`, `<prefix>-1`, … through the store, as a program would.
func addSamples(_ server: TestServer, _ count: Int, prefix: String) async throws {
    for index in 0..<count {
        var input = SampleStore.Input()
        (input.externalId, input.species, input.kind, input.collectedAt) =
            ("\(prefix)-\(index)", "bovine", "semen", "2026-03-01T09:30:00Z")
        _ = try await server.services.samples.create(input, context: .commandLine)
    }
}
