import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Every main list exports as CSV the one way (``CSVExport``): streamed when small, a job with a
/// progress bar when large, its list's filters kept, cells quoted per RFC 4180 and never a live
/// formula.
@Suite struct CSVExportTests {
    /// Each list's export path and the first columns of its header.
    static let exports: [(path: String, header: String)] = [
        ("customers", "kind,name,contact_name"), ("animals", "species,name,sex"),
        ("samples", "external_id,species,kind"), ("orders", "id,ordered_on,customer_id,customer"),
        ("lab-tests", "id,code,name"), ("opu-sessions", "id,performed_on,donor_id,donor"),
        ("ivf-batches", "id,code,fertilised_on"), ("embryos", "id,code,origin"),
        ("transfers", "id,transferred_on,recipient_id"), ("pregnancy-checks", "id,checked_on,transfer_id"),
        ("storage/inventory", "sample_id,external_id"), ("genotypes", "id,animal_id,animal,panel"),
    ]

    @Test func everyMainListExportsItsColumns() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            for (path, header) in Self.exports {
                let response = try await client.send(.get, "/api/v1/\(path)/export", auth: key)
                #expect(response.status == .ok, "\(path): \(response.text)")
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8", "\(path)")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=") == true, "\(path)")
                #expect(response.text.hasPrefix(header), "\(path): \(response.text.prefix(80))")
            }
        }
    }

    @Test func cellsAreQuotedAndFormulasDefused() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            let donor = try await client.newAnimal(auth: key, name: "Zürich, \"Zoe\"")
            for notes in ["=HYPERLINK(\"http://x\")", "+A1+B1", "@SUM(A1)", "-2 cells\nsecond line", "-3.5"] {
                _ = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key,
                    ["donor_id": donor, "performed_on": "2026-03-01", "follicles": 6, "oocytes": 4, "notes": notes])
            }
            let text = try await client.send(.get, "/api/v1/opu-sessions/export", auth: key).text
            #expect(text.contains(",\"Zürich, \"\"Zoe\"\"\","))  // UTF-8, quotes doubled, comma quoted
            #expect(text.contains(",\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"))
            #expect(text.contains(",'+A1+B1\r\n") && text.contains(",'@SUM(A1)\r\n"))
            #expect(text.contains(",\"'-2 cells\nsecond line\"\r\n"))
            #expect(text.contains(",-3.5\r\n"))  // a number stays a number
            #expect(text.split(separator: "\r\n").count == 6)
        }
    }

    @Test func exportsKeepTheirFiltersAndRefuseBadOnes() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            let kept = try await client.newAnimal(auth: key, name: "Kept")
            let other = try await client.newAnimal(auth: key, name: "Other")
            for donor in [kept, other, kept] {
                _ = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key,
                    ["donor_id": donor, "performed_on": "2026-03-01", "follicles": 6, "oocytes": 4])
            }
            let filtered = try await client.send(.get, "/api/v1/opu-sessions/export?donor=\(kept)", auth: key)
            let rows = filtered.text.split(separator: "\r\n").dropFirst()
            #expect(rows.count == 2 && rows.allSatisfy { $0.contains(",\(kept),Kept,") })
            let unknown = try await client.send(.get, "/api/v1/opu-sessions/export?donor=999999", auth: key)
            #expect(unknown.status == .unprocessableContent)
            #expect(try unknown.apiError()["field"] as? String == "donor")
            let malformed = try await client.send(.get, "/api/v1/embryos/export?fate=eaten", auth: key)
            #expect(malformed.status == .badRequest)
            #expect(try malformed.apiError()["field"] as? String == "fate")
        }
    }

    @Test func thePageStreamsASmallSelectionAndHandsALargeOneToAJob() async throws {
        let server = try TestServer()
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let key = try await server.apiKey(["admin"])
            _ = try await client.postJSON("/api/v1/customers", auth: key, ["name": "Hof Meier", "kind": "person"])
            try await step("a small selection downloads at once") {
                let small = try await client.sendForm("/customers/export?kind=person", session: session, [:])
                #expect(small.status == .ok)
                #expect(small.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(small.text.contains("person,Hof Meier,"))
            }
            try await step("more than 10,000 rows become a job with a progress bar and a download") {
                try await server.services.database.write { db in
                    try db.execute(
                        sql: """
                            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
                            INSERT INTO samples (external_id, species, kind, status, collected_at, created_at, updated_at)
                            SELECT 'BULK-' || i, 'bovine', 'semen', 'received', '2026-03-01 09:30:00.000',
                                '2026-03-01 09:30:00.000', '2026-03-01 09:30:00.000' FROM n
                            """)
                }
                let started = try await client.sendForm("/samples/export?species=bovine", session: session, [:])
                #expect(started.status == .seeOther)
                let location = try #require(started.headers[.location])
                #expect(location.hasPrefix("/jobs/"))
                let id = try #require(Int(location.dropFirst("/jobs/".count)))
                try await withJobRunner(server) {
                    let done = try await waitForJob(client, id, auth: key)
                    #expect(done["state"] as? String == "succeeded", "\(done)")
                    let page = try await client.send(.get, location, session: session)
                    #expect(page.text.contains("Download the result"))
                    let file = try await client.send(
                        .get, try #require(done["result_url"] as? String), session: session)
                    #expect(file.text.split(separator: "\r\n").count == 10_002)
                }
            }
            try await step("the background button asks for a job whatever the size") {
                let started = try await client.sendForm(
                    "/customers/export?kind=person&background=true", session: session, [:])
                #expect(started.status == .seeOther)
            }
        }
    }
}
