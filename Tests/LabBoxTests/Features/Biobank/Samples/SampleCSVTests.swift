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

@Suite struct SampleCSVTests {
    @Test func exportStreamsTheFilteredListAsCSV() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            for index in 0..<5 {
                var body = TestServer.sampleBody("E-\(index)", species: index < 3 ? "bovine" : "equine")
                body["notes"] = index == 0 ? "line one\nline \"two\", with comma" : "=cmd()"
                _ = try await client.send(.post, "/api/v1/samples", auth: key, json: body)
            }
            let csv = try await client.send(.get, "/api/v1/samples/export?species=bovine", auth: key)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let text = csv.text
            #expect(text.hasPrefix(SampleCSV.columns.joined(separator: ",") + "\r\n"))
            #expect(text.contains("\"line one\nline \"\"two\"\", with comma\""))
            #expect(text.contains("'=cmd()"))  // never a live formula in a spreadsheet
            // What was exported parses back to the same three rows.
            let store = SampleStore(database: server.services.database, species: ["bovine"], kinds: ["semen"])
            let rows = try SampleCSV(store: store).importer.parse(text)
            #expect(rows.map { $0["external_id"] } == ["E-0", "E-1", "E-2"])
        }
    }

    @Test func importChecksEveryRowAndWritesAllOrNothing() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await server.test { client in
            _ = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("EXISTS-1"))
            // Excel's habits: a BOM, semicolons, day-first dates, a quoted line break, decimal commas.
            let bad =
                "\u{FEFF}external_id;species;kind;collected_at;quantity;notes\r\n"
                + "IMP-1;bovine;semen;01.03.2026;0,25;\"two\nlines\"\r\n"
                + "IMP-1;bovine;semen;2026-03-01;;\r\n"
                + "IMP-3;dragon;semen;2026-03-01;;\r\n"
                + "EXISTS-1;bovine;semen;2026-03-01;;\r\n"
                + "IMP-5;bovine;semen;yesterday;;\r\n"
            try await step("check a file with four bad rows and name each") {
                let check = try await client.sendCSV("/api/v1/samples/import/check", auth: key, bad)
                #expect(check.status == .ok)
                let report = try check.json()
                #expect(report["rows"] as? Int == 5)
                #expect(report["valid"] as? Int == 1)
                let problems = try #require(report["problems"] as? [[String: Any]])
                #expect(problems.map { $0["row"] as? Int } == [3, 4, 5, 6])
                #expect(
                    problems.map { $0["field"] as? String } == [
                        "external_id", "species", "external_id", "collected_at",
                    ]
                )
            }

            try await step("refuse to import that file, writing none of its rows") {
                let refused = try await client.sendCSV("/api/v1/samples/import", auth: key, bad)
                #expect(refused.status == .unprocessableContent)
                _ = try refused.apiError()
                #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 1)
            }

            try await step("import a good file the way Excel writes it") {
                let good =
                    "\u{FEFF}external_id;species;kind;collected_at;quantity;unit;notes\r\n"
                    + "IMP-1;bovine;semen;01.03.2026;0,25;mL;\"two\nlines\"\r\n"
                    + "IMP-2;equine;embryo;2026-03-01 08:15;;;\r\n"
                let imported = try await client.sendCSV("/api/v1/samples/import", auth: key, good)
                #expect(imported.status == .created)
                #expect(try imported.json()["imported"] as? Int == 2)
                let first = try await client.send(.get, "/api/v1/samples?q=IMP", auth: key)
                let items = try #require(try first.json()["items"] as? [[String: Any]])
                #expect(items.map { $0["notes"] as? String } == ["two\nlines", ""])
                #expect(items.first?["quantity"] as? Double == 0.25)
                #expect(items.last?["collected_at"] as? String == "2026-03-01T08:15:00Z")
            }

            // The import suspended the search trigger for its rows; it is back for the next create.
            try await step("find the next sample created after the import") {
                let next = try await client.send(
                    .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("AFTER-IMPORT-1"))
                #expect(next.status == .created)
                let found = try await client.send(.get, "/api/v1/samples?q=AFTER", auth: key)
                #expect((try found.json()["items"] as? [[String: Any]])?.count == 1)
            }

            try await step("refuse unknown columns and a JSON body") {
                let unknown = try await client.sendCSV(
                    "/api/v1/samples/import/check", auth: key, "external_id,colour\r\nA,red\r\n")
                #expect(try unknown.apiError()["field"] as? String == "file")
                let json = try await client.send(.post, "/api/v1/samples/import/check", auth: key, json: ["a": 1])
                #expect(json.status == .unsupportedMediaType)
            }
        }
        try await step("audit each imported row with its id in an intact chain") {
            let imports = try await server.auditEvents().filter { $0.action == "sample.import" }
            #expect(imports.count == 2)
            // Each event's snapshot carries the id the row was given, as a single create's does.
            for event in imports {
                #expect(AuditValue.decode(event.after)["id"] == .integer(Int64(event.entityId) ?? -1))
                #expect(AuditValue.decode(event.after)["external_id"] != nil)
            }
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    @Test func aSampleExportRunsAsAJobAndOnlyItsStarterMayFetchIt() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        try await withJobRunner(server) {
            try await server.test { client in
                for index in 0..<5 {
                    let body = TestServer.sampleBody("EXP-\(index)", species: index < 3 ? "bovine" : "equine")
                    #expect(try await client.send(.post, "/api/v1/samples", auth: key, json: body).status == .created)
                }
                let director = try await server.signIn(.director)
                let started = try await client.send(
                    .post, "/api/v1/samples/export-jobs?species=bovine", session: director)
                #expect(started.status == .accepted)
                let id = try #require(try started.json()["id"] as? Int)
                let admin = try await server.apiKey(["admin"])
                let done = try await waitForJob(client, id, auth: admin)
                #expect(done["state"] as? String == "succeeded")
                let url = try #require(done["result_url"] as? String)
                let csv = try await client.send(.get, url, session: director)
                #expect(csv.status == .ok)
                let lines = csv.text.split(separator: "\r\n")
                #expect(lines.count == 4)
                #expect(lines.dropFirst().allSatisfy { $0.contains("bovine") })

                let technician = try await server.signIn(.technician)
                #expect(try await client.send(.get, "/api/v1/jobs/\(id)", session: technician).status == .notFound)
                #expect(try await client.send(.get, url, session: technician).status == .notFound)
                let listed = try await client.send(.get, "/api/v1/jobs", session: technician).json()
                #expect((listed["items"] as? [Any])?.isEmpty == true)
                let page = try await client.send(.get, "/jobs/\(id)", session: director)
                #expect(page.text.contains("Download the result"))
            }
        }
    }

    @Test func aBackgroundImportWritesAllRowsOrNoneAndSaysWhy() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:write", "samples:read"])
        let admin = try await server.apiKey(["admin"])
        try await withJobRunner(server) {
            try await server.test { client in
                func start(_ csv: String) async throws -> [String: Any] {
                    let response = try await client.execute(
                        uri: "/api/v1/samples/import/jobs", method: .post,
                        headers: [.authorization: key, .contentType: "text/csv"], body: ByteBuffer(string: csv))
                    #expect(response.status == .accepted, "\(response.text)")
                    return try await waitForJob(client, try #require(try response.json()["id"] as? Int), auth: admin)
                }
                let header = "external_id,species,kind,collected_at\r\n"
                let bad = try await start(header + "OK-1,bovine,dna,2026-01-02\r\nBAD-1,dragon,dna,2026-01-02\r\n")
                #expect(bad["state"] as? String == "failed")
                #expect((bad["error"] as? String)?.contains("1 of 2 rows have problems") == true)
                #expect((bad["log"] as? [String])?.contains { $0.hasPrefix("Row 3 (species)") } == true)
                #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 0)

                let rows = (1...2500).map { "IMP-\($0),bovine,dna,2026-01-02\r\n" }.joined()
                let good = try await start(header + rows)
                #expect(good["state"] as? String == "succeeded")
                #expect(good["message"] as? String == "2500 samples imported")
                #expect(try await server.services.database.read { try Sample.fetchCount($0) } == 2500)
                let unreadable = try await client.execute(
                    uri: "/api/v1/samples/import/jobs", method: .post,
                    headers: [.authorization: key, .contentType: "text/csv"],
                    body: ByteBuffer(string: "nonsense,columns\r\n1,2\r\n"))
                #expect(unreadable.status == .unprocessableContent)
            }
        }
    }
}
