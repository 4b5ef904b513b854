import Customers
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Every text a client chooses has a length bound before it is stored (issue 20, H1), and the
/// OpenAPI document says which: derived from the served document, so a new route or field is
/// checked without being listed here.
@Suite struct TextBoundsTests {
    /// A string of a request body: where it sits (`moves.0.reason`) and its declared bound.
    struct BoundedText {
        var path: [String]
        var maxLength: Int?
    }

    /// The served document and its JSON write operations: method, path, body schema.
    static func jsonBodies(_ client: any TestClientProtocol) async throws -> (
        [String: Any], [(method: String, path: String, schema: [String: Any])]
    ) {
        let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get).json()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        var bodies: [(method: String, path: String, schema: [String: Any])] = []
        for (path, operations) in paths {
            for (method, operation) in operations {
                let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any]
                guard let json = content?["application/json"] as? [String: Any],
                    let schema = json["schema"] as? [String: Any]
                else { continue }
                bodies.append((method.uppercased(), path, schema))
            }
        }
        return (document, bodies.sorted { ($0.path, $0.method) < ($1.path, $1.method) })
    }

    /// Every string `schema` holds, following `$ref`, properties, array items and alternatives.
    static func texts(in schema: [String: Any], document: [String: Any], path: [String] = [], seen: Set<String> = [])
        -> [BoundedText]
    {
        if let reference = schema["$ref"] as? String {
            let name = String(reference.split(separator: "/").last ?? "")
            guard !seen.contains(name),
                let components = (document["components"] as? [String: Any])?["schemas"] as? [String: Any],
                let target = components[name] as? [String: Any]
            else { return [] }
            return texts(in: target, document: document, path: path, seen: seen.union([name]))
        }
        var found: [BoundedText] = []
        for keyword in ["oneOf", "allOf", "anyOf"] {
            for alternative in schema[keyword] as? [[String: Any]] ?? [] {
                found += texts(in: alternative, document: document, path: path, seen: seen)
            }
        }
        let types = (schema["type"] as? [String]) ?? [schema["type"] as? String].compactMap { $0 }
        // An enumeration or a date is bounded by what it may be.
        let bounded = schema["enum"] != nil || ["date-time", "date"].contains(schema["format"] as? String)
        if types.contains("string"), !bounded {
            found.append(BoundedText(path: path, maxLength: schema["maxLength"] as? Int))
        }
        for (name, property) in schema["properties"] as? [String: [String: Any]] ?? [:] {
            found += texts(in: property, document: document, path: path + [name], seen: seen)
        }
        if let items = schema["items"] as? [String: Any] {
            found += texts(in: items, document: document, path: path + ["0"], seen: seen)
        }
        return found
    }

    /// A body holding only `text` at `path` (array positions as one-element arrays).
    static func body(_ path: ArraySlice<String>, _ text: String) -> Any {
        guard let first = path.first else { return text }
        let inner = body(path.dropFirst(), text)
        return Int(first) == 0 ? [inner] as Any : [first: inner] as Any
    }

    /// How many rows the database holds, over every table.
    static func rows(_ server: TestServer) async throws -> Int {
        try await server.services.database.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            return try tables.reduce(0) { sum, table in
                sum + (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") ?? 0)
            }
        }
    }

    @Test func everyStringOfEveryRequestBodyDeclaresItsBound() async throws {
        let server = try TestServer()
        let unbounded = try await server.test { client in
            let (document, bodies) = try await Self.jsonBodies(client)
            #expect(bodies.count > 40)
            return bodies.flatMap { body in
                Self.texts(in: body.schema, document: document).filter { $0.maxLength == nil }.map {
                    "\(body.method) \(body.path) \($0.path.joined(separator: "."))"
                }
            }
        }
        #expect(unbounded.isEmpty, "\(unbounded)")
    }

    /// One character over the declared bound, through the real HTTP stack as an admin: refused
    /// with 422 naming the field, and not a row written.
    @Test func oneCharacterOverTheDeclaredBoundIsRefusedAndNothingIsStored() async throws {
        let server = try TestServer {
            $0.requestsPerSecond = 10_000
            $0.requestBurst = 100_000
        }
        let session = try await server.signIn(.admin)
        try await server.test { client in
            let (document, bodies) = try await Self.jsonBodies(client)
            let before = try await Self.rows(server)
            var checked = 0
            for operation in bodies {
                let uri = operation.path.replacing(/\{[a-z_]+\}/, with: "1")
                for text in Self.texts(in: operation.schema, document: document) {
                    guard let maxLength = text.maxLength else { continue }
                    let json = Self.body(text.path[...], String(repeating: "é", count: maxLength + 1))
                    var headers = session.headers
                    headers[.contentType] = "application/json"
                    let response = try await client.execute(
                        uri: uri, method: HTTPRequest.Method(operation.method)!, headers: headers,
                        body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
                    let field = text.path.joined(separator: ".")
                    #expect(response.status == .unprocessableContent, "\(operation.method) \(uri) \(field)")
                    #expect(
                        try response.apiError()["field"] as? String == field, "\(operation.method) \(uri) \(field)")
                    checked += 1
                }
            }
            // Every bounded text of every write was tried (139 when this was written): a walk that
            // found none would pass without checking anything.
            #expect(checked > 130)
            #expect(try await Self.rows(server) == before)
        }
    }

    /// Forms and CSV imports reach the same stores without a schema; the stores and the audit
    /// trail hold the same bounds (a customer's notes: 5000; any reason: AuditTrail.maxReason).
    @Test func formsAndCSVImportsAreBoundedAlike() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.admin)
        let key = try await server.apiKey(["customers:read", "customers:write"])
        let customers: @Sendable () async throws -> Int = {
            try await server.services.database.read { try Customer.filter(Column("deleted_at") == nil).fetchCount($0) }
        }
        try await server.test { client in
            let notes = String(repeating: "n", count: 5001)
            let form = try await client.sendForm("/customers", session: session, ["name": "Hof Meier", "notes": notes])
            #expect(form.status == .unprocessableContent)
            #expect(try await customers() == 0)

            let csv = "name;notes\r\nHof Meier;\(notes)\r\n"
            let check = try await client.sendCSV("/api/v1/customers/import/check", auth: key, csv)
            let problems = try #require(try check.json()["problems"] as? [[String: Any]])
            #expect(problems.first?["field"] as? String == "notes")
            let imported = try await client.sendCSV("/api/v1/customers/import", auth: key, csv)
            #expect(imported.status == .unprocessableContent)
            #expect(try await customers() == 0)

            let id = try #require(
                try await client.postJSON("/api/v1/customers", auth: key, ["name": "Hof Meier"])["id"] as? Int)
            let reason = String(repeating: "r", count: AuditTrail.maxReason + 1)
            let delete = try await client.sendForm("/customers/\(id)/delete", session: session, ["reason": reason])
            #expect(delete.status == .unprocessableContent)
            #expect(try await customers() == 1)
        }
    }

    /// Most bodies skip the full check: a body whose every string is no longer in bytes than the
    /// smallest bound, and that holds no `null`, cannot fail it. What the scan must still send on.
    @Test func onlyBodiesThatMayFailTheCheckAreParsed() throws {
        let bounds = TextBounds.object([
            "name": .text(8, nullable: false), "lines": .array(.object(["note": .text(100, nullable: true)])),
        ])
        #expect(bounds.smallestLimit == 8)
        let mayRefuse = { (body: String) in TextBounds.mayRefuse(Array(body.utf8), limit: bounds.smallestLimit) }
        #expect(!mayRefuse(#"{"name":"12345678","lines":[{"note":"n"}],"count":12,"ok":true}"#))
        #expect(mayRefuse(#"{"name":"123456789"}"#))
        // An escaped quote is part of the string, and each escape's bytes count.
        #expect(mayRefuse(#"{"name":"1234\"6789"}"#))
        #expect(!mayRefuse(#"{"name":"12\"45"}"#))
        // Eight characters, sixteen bytes: sent on, and the full check passes it.
        #expect(mayRefuse(#"{"name":"éééééééé"}"#))
        #expect(mayRefuse(#"{"name":null}"#))
        #expect(mayRefuse(#"{"lines":[{"note":null}]}"#))
        #expect(!mayRefuse(#"{"name":"null"}"#))
    }
}
