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
import ZIPFoundation

/// Consents, the subject-access export, the record of who looked, and the retention rule.
@Suite struct PrivacyTests {
    @Test func consentsAreStatementsWithEvidenceAndAHistory() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let customer = try await client.send(.post, "/api/v1/customers", auth: admin, json: ["name": "Hof Linde"])
            let other = try await client.send(.post, "/api/v1/customers", auth: admin, json: ["name": "Hof Eiche"])
            let (id, otherID) = (
                try #require(try customer.json()["id"] as? Int), try #require(try other.json()["id"] as? Int)
            )
            let foreign = try await client.sendMultipart(
                "/api/v1/attachments", auth: admin,
                fields: [("entity_type", "customer"), ("entity_id", String(otherID))],
                files: [(field: "file", name: "form.pdf", bytes: ErasureTests.pdf)])
            let foreignID = try #require(try foreign.json()["id"] as? Int)
            let given = try await client.send(
                .post, "/api/v1/customers/\(id)/consents", auth: admin,
                json: ["purpose": "marketing", "status": "given", "effective_on": "2026-01-05", "method": "web form"])
            #expect(given.status == .created, "\(given.text)")
            #expect(try given.json()["recorded_by"] as? String != nil)
            let withdrawn = try await client.send(
                .post, "/api/v1/customers/\(id)/consents", auth: admin,
                json: ["purpose": "marketing", "status": "withdrawn", "method": "phone call"])
            #expect(withdrawn.status == .created)
            let list = try await client.send(.get, "/api/v1/customers/\(id)/consents", auth: admin)
            let items = try #require(try list.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["status"] as? String } == ["withdrawn", "given"])

            for (body, field) in [
                (["purpose": "Marketing!", "status": "given"], "purpose"),
                (["purpose": "marketing", "status": "maybe"], "status"),
                (["purpose": "marketing", "status": "given", "effective_on": "2999-01-01"], "effective_on"),
                (
                    ["purpose": "marketing", "status": "given", "attachment_id": foreignID] as [String: Any],
                    "attachment_id"
                ),
            ] as [([String: Any], String)] {
                let refused = try await client.send(.post, "/api/v1/customers/\(id)/consents", auth: admin, json: body)
                #expect(refused.status == .unprocessableContent, "\(body)")
                #expect(try refused.apiError()["field"] as? String == field)
            }
            let page = try await client.execute(
                uri: "/customers/\(id)/privacy", method: .get, headers: try await server.signIn(.technician).headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("marketing"))
            #expect(!page.text.contains("Erase personal data"))
            #expect(!page.text.contains("Download the export"))
        }
        let consents = try await server.auditEvents().filter { $0.entityType == "consent" }
        #expect(consents.count == 2)
    }

    @Test func exportHoldsEverythingAboutThePersonAndIsRecorded() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let director = try await server.signIn(.director)
        try await server.test { client in
            _ = try await client.postJSON(
                "/api/v1/custom-fields", auth: admin,
                ["entity_type": "customer", "key": "stud_book", "label": "Stud book", "kind": "text"])
            let customer = try await client.send(
                .post, "/api/v1/customers", auth: admin,
                json: [
                    "name": "Gestüt Sonnenhof", "email": "stall@sonnenhof.example", "kind": "organisation",
                    "custom_fields": ["stud_book": "Trakehner Verband"],
                ])
            let id = try #require(try customer.json()["id"] as? Int)
            let animal = try await client.send(
                .post, "/api/v1/animals", auth: admin,
                json: ["species": "equine", "name": "Donnerhall", "sex": "male", "owner_id": id])
            #expect(animal.status == .created)
            _ = try await client.sendMultipart(
                "/api/v1/attachments", auth: admin, fields: [("entity_type", "customer"), ("entity_id", String(id))],
                files: [(field: "file", name: "vertrag.pdf", bytes: ErasureTests.pdf)])
            _ = try await client.send(
                .post, "/api/v1/customers/\(id)/consents", auth: admin,
                json: ["purpose": "research_use", "status": "given"])
            _ = try await client.send(.get, "/api/v1/customers/\(id)", auth: admin)
            _ = try await client.execute(uri: "/customers/\(id)", method: .get, headers: director.headers)

            let export = try await client.send(.get, "/api/v1/customers/\(id)/export", auth: admin)
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "application/zip")
            #expect(export.headers[.contentDisposition]?.contains("customer-\(id)-data-") == true)
            let archive = try Archive(data: Data(buffer: export.body), accessMode: .read)
            func text(_ path: String) throws -> String {
                let entry = try #require(archive[path], "\(path) is missing")
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                return String(decoding: data, as: UTF8.self)
            }
            #expect(try text("index.html").contains("Gestüt Sonnenhof"))
            #expect(try text("index.html").contains("Donnerhall"))
            #expect(try text("data/customer.json").contains("stall@sonnenhof.example"))
            #expect(try text("data/animals.json").contains("Donnerhall"))
            #expect(try text("data/consents.json").contains("research_use"))
            #expect(try text("data/custom_fields.json").contains("Trakehner Verband"))
            #expect(try text("data/history.json").contains("Gestüt Sonnenhof"))
            #expect(try text("data/accesses.json").contains("\"view\""))
            #expect(try text("export.json").contains("labbox-subject-export/1"))
            let file = try #require(archive.first { $0.path.hasPrefix("files/") })
            #expect(file.path.hasSuffix("vertrag.pdf"))

            let accesses = try await client.send(.get, "/api/v1/privacy/accesses?customer_id=\(id)", auth: admin)
            let items = try #require(try accesses.json()["items"] as? [[String: Any]])
            #expect(
                items.map { "\($0["action"] ?? "") \($0["channel"] ?? "")" } == ["export api", "view page", "view api"])
            #expect(items[1]["actor_name"] as? String == "director@lab.example")
            // The customer list as CSV is people's data leaving the lab too.
            let csv = try await client.send(.get, "/api/v1/customers/export?kind=organisation", auth: admin)
            #expect(csv.text.contains("stall@sonnenhof.example"))
            let lists = try await client.send(.get, "/api/v1/privacy/accesses?action=list_export", auth: admin)
            let listItems = try #require(try lists.json()["items"] as? [[String: Any]])
            #expect(listItems.map { $0["subject_id"] as? String } == ["list?kind=organisation"])
            let review = try await client.execute(
                uri: "/admin/privacy?customer_id=\(id)", method: .get, headers: director.headers)
            #expect(review.status == .ok)
            #expect(review.text.contains("export"))
            let all = try await client.execute(uri: "/admin/privacy", method: .get, headers: director.headers)
            #expect(all.text.contains("the list (kind=organisation)"))
        }
        #expect(try await server.auditEvents().contains { $0.action == "privacy.export" })
    }

    @Test func retentionFlagsInactiveCustomersAndErasesWhenSetTo() async throws {
        for action in [PrivacySettings.RetentionAction.flag, .erase] {
            let server = try TestServer { $0.privacy.retentionAction = action }
            let admin = try await server.apiKey(["admin"])
            try await server.test { client in
                let old = try await client.send(.post, "/api/v1/customers", auth: admin, json: ["name": "Alte Mühle"])
                let recent = try await client.send(.post, "/api/v1/customers", auth: admin, json: ["name": "Neuer Hof"])
                let (oldID, recentID) = (
                    try #require(try old.json()["id"] as? Int), try #require(try recent.json()["id"] as? Int)
                )
                try await server.services.database.write { db in
                    try db.execute(
                        sql: "UPDATE customers SET updated_at = '2012-01-01 00:00:00.000' WHERE id = ?",
                        arguments: [oldID])
                }
                try await withJobRunner(server) {
                    let run = try await client.send(.post, "/api/v1/schedules/privacy_retention/run", auth: admin)
                    #expect(run.status == .accepted, "\(run.text)")
                    let job = try await waitForJob(client, try #require(try run.json()["id"] as? Int), auth: admin)
                    #expect(job["state"] as? String == "succeeded", "\(job)")
                }
                let oldNow = try await client.send(.get, "/api/v1/customers/\(oldID)", auth: admin).json()
                let recentNow = try await client.send(.get, "/api/v1/customers/\(recentID)", auth: admin).json()
                #expect(recentNow["retention_flagged_at"] == nil)
                switch action {
                case .flag:
                    #expect(oldNow["retention_flagged_at"] != nil)
                    #expect(oldNow["name"] as? String == "Alte Mühle")
                    let page = try await client.execute(
                        uri: "/admin/privacy", method: .get, headers: try await server.signIn(.auditor).headers)
                    #expect(page.text.contains("Alte Mühle"))
                default:
                    #expect(oldNow["name"] as? String == "Erased customer \(oldID)")
                }
            }
            #expect(try await server.verifyAudit().isIntact)
        }
    }
}
