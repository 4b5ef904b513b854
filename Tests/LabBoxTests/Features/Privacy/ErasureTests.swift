import Attachments
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

/// Erasure by pseudonymisation (decision 0041): the audit chain still verifies, by the API and by
/// `labbox audit verify`, and nothing that named or reached the person is left in the data
/// directory's database files, the search index's or the free pages' bytes included.
@Suite struct ErasureTests {
    static let person = [
        "name": "Wilhelmina Quackenbush", "contact_name": "Wilhelmina Q. Quackenbush",
        "email": "wilhelmina.quackenbush@example.org", "phone": "+49 170 5550199",
        "address": "Ottilienstrasse 42", "postcode": "06484", "city": "Quedlinburg",
        "notes": "Prefers calls after six, Zwiebelmarkt",
    ]
    /// What must be nowhere afterwards: every field, the phone it had before, and the words the
    /// search index keeps (lower case).
    static let needles = [
        "Quackenbush", "quackenbush", "wilhelmina", "Wilhelmina", "wilhelmina.quackenbush@example.org",
        "+49 170 5550199", "+49 170 5550100", "5550199", "5550100", "Ottilienstrasse", "ottilienstrasse",
        "Quedlinburg", "quedlinburg", "Zwiebelmarkt", "zwiebelmarkt", "Rumpelstilzchen", "rumpelstilzchen",
    ]
    static let pdf = Data("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    @Test func erasureKeepsTheChainVerifiableAndLeavesNoTraceInTheDatabaseFile() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let id = try await server.test { client in
            var animalID = 0
            // A custom field of the customer's own holds the person's data too.
            _ = try await client.postJSON(
                "/api/v1/custom-fields", auth: admin,
                ["entity_type": "customer", "key": "herd_book_contact", "label": "Herd-book contact", "kind": "text"])
            var body: [String: Any] = Self.person
            body["kind"] = "person"
            body["phone"] = "+49 170 5550100"
            body["custom_fields"] = ["herd_book_contact": "Rumpelstilzchen"]
            let created = try await client.send(.post, "/api/v1/customers", auth: admin, json: body)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try created.json()["id"] as? Int)
            let changed = try await client.send(
                .patch, "/api/v1/customers/\(id)", auth: admin, json: ["phone": Self.person["phone"]!])
            #expect(changed.status == .ok)
            let animal = try await client.send(
                .post, "/api/v1/animals", auth: admin,
                json: ["species": "bovine", "name": "Bella", "sex": "female", "owner_id": id])
            #expect(animal.status == .created, "\(animal.text)")
            animalID = try #require(try animal.json()["id"] as? Int)
            let file = try await client.sendMultipart(
                "/api/v1/attachments", auth: admin,
                fields: [("entity_type", "customer"), ("entity_id", String(id))],
                files: [(field: "file", name: "consent-quackenbush.pdf", bytes: Self.pdf)])
            #expect(file.status == .created, "\(file.text)")
            let fileID = try #require(try file.json()["id"] as? Int)
            let consent = try await client.send(
                .post, "/api/v1/customers/\(id)/consents", auth: admin,
                json: ["purpose": "results_by_email", "status": "given", "attachment_id": fileID])
            #expect(consent.status == .created, "\(consent.text)")
            let comment = try await client.send(
                .post, "/api/v1/comments", auth: admin,
                json: ["entity_type": "customer", "entity_id": id, "body": "Wilhelmina Quackenbush called."])
            #expect(comment.status == .created, "\(comment.text)")
            try await server.services.database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO email_outbox (recipient, subject, body, state, next_attempt_at, created_at)
                        VALUES (?, 'Your results', 'Dear Wilhelmina Quackenbush', 'sent', '', '')
                        """, arguments: [Self.person["email"]!])
            }
            // Before: the person's page shows them, history included; the chain holds only tokens.
            let history = try await client.send(.get, "/api/v1/customers/\(id)/history", auth: admin)
            #expect(history.text.contains("5550100"))
            let leaked = try await server.services.database.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM audit_events
                        WHERE before LIKE '%Quackenbush%' OR after LIKE '%Quackenbush%' OR after LIKE '%5550199%'
                            OR after LIKE '%Rumpelstilzchen%'
                        """)
            }
            #expect(leaked == 0)
            #expect(history.text.contains("Rumpelstilzchen"))
            // The search below finds what is there: before the erasure, the person is in the files.
            #expect(try Self.databaseBytes(server).range(of: Data("Quackenbush".utf8)) != nil)

            let erased = try await client.send(
                .post, "/api/v1/customers/\(id)/erase", auth: admin, json: ["reason": "Request of the person"])
            #expect(erased.status == .ok, "\(erased.text)")
            let outcome = try erased.json()
            #expect((outcome["texts"] as? Int ?? 0) > 5)
            #expect(outcome["attachments"] as? Int == 1)
            #expect(outcome["notes"] as? Int == 1)
            #expect(outcome["emails"] as? Int == 1)
            #expect(outcome["compacted"] as? Bool == true)

            let after = try await client.send(.get, "/api/v1/customers/\(id)", auth: admin).json()
            #expect(after["name"] as? String == "Erased customer \(id)")
            #expect(after["email"] as? String == "")
            #expect(after["deleted_at"] != nil)
            let search = try await client.send(
                .get, "/api/v1/customers?q=Quackenbush&include_deleted=true", auth: admin)
            #expect((try search.json()["items"] as? [Any])?.isEmpty == true)
            let erasedHistory = try await client.send(.get, "/api/v1/customers/\(id)/history", auth: admin)
            #expect(erasedHistory.text.contains("(erased)"))
            #expect(!erasedHistory.text.contains("5550100"))
            // The animal, and the fact of the erasure, stay.
            let bella = try await client.send(.get, "/api/v1/animals/\(animalID)", auth: admin).json()
            #expect(bella["name"] as? String == "Bella")
            #expect(bella["owner_id"] as? Int == id)
            let erasures = try await client.send(.get, "/api/v1/privacy/erasures", auth: admin)
            #expect(erasures.text.contains("Request of the person"))
            let again = try await client.send(
                .post, "/api/v1/customers/\(id)/erase", auth: admin, json: ["reason": "twice"])
            #expect(again.status == .conflict)
            return id
        }
        let verification = try await server.verifyAudit()
        #expect(verification.isIntact, "\(verification.problem ?? "")")
        #expect(try await server.auditEvents().contains { $0.action == "privacy.erase" && $0.entityId == String(id) })
        let file = AttachmentFiles(dataDirectory: server.directory.path).url(sha256: AttachmentFiles.sha256(Self.pdf))
        #expect(!FileManager.default.fileExists(atPath: file.path))

        try server.services.database.close()
        let verify = try await LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasPrefix("OK "))
        let bytes = try Self.databaseBytes(server)
        for needle in Self.needles {
            #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) is still in the database files")
        }
    }

    /// The database file and its WAL, as a copy of the data directory would hold them.
    static func databaseBytes(_ server: TestServer) throws -> Data {
        let path = server.services.config.databasePath
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes += FileManager.default.contents(atPath: path + "-wal") ?? Data()
        return bytes
    }

    /// Accounting law first: an invoice the lab must keep (or a draft) keeps its customer, and the
    /// refusal changes nothing; an invoice past its retention has its buyer erased with them.
    @Test func erasureWaitsForTheInvoicesTheLabMustKeep() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            func customer(_ name: String) async throws -> Int {
                let created = try await client.send(
                    .post, "/api/v1/customers", auth: admin, json: ["name": name, "kind": "person"])
                return try #require(try created.json()["id"] as? Int)
            }
            func invoice(_ customer: Int, _ state: String, number: String?, issued: String?) async throws {
                try await server.services.database.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO invoices (kind, state, number, customer_id, issue_date, due_date, currency,
                                rounding, buyer_name, created_at, updated_at)
                            VALUES ('invoice', ?, ?, ?, ?, ?, 'EUR', 'rate', 'Kuckuckshof', '2014-03-01 00:00:00.000',
                                '2014-03-01 00:00:00.000')
                            """, arguments: [state, number, customer, issued, issued])
                }
            }
            let recent = try await customer("Recent Kuckuckshof")
            try await invoice(recent, "issued", number: "R-NEW-1", issued: Day.adding(-400, to: Day.today))
            let refused = try await client.send(
                .post, "/api/v1/customers/\(recent)/erase", auth: admin, json: ["reason": "Request"])
            #expect(refused.status == .conflict)
            #expect(try refused.apiError()["code"] as? String == "retention_required")
            #expect((try refused.apiError()["message"] as? String ?? "").contains("until"))
            let unchanged = try await client.send(.get, "/api/v1/customers/\(recent)", auth: admin).json()
            #expect(unchanged["name"] as? String == "Recent Kuckuckshof")
            #expect(unchanged["deleted_at"] == nil)

            let old = try await customer("Old Kuckuckshof")
            try await invoice(old, "issued", number: "R-OLD-1", issued: "2014-03-01")
            try await invoice(old, "draft", number: nil, issued: nil)
            let draft = try await client.send(
                .post, "/api/v1/customers/\(old)/erase", auth: admin, json: ["reason": "Request"])
            #expect(draft.status == .conflict)
            try await server.services.database.write { db in
                try db.execute(sql: "DELETE FROM invoices WHERE state = 'draft'")
            }
            // Past its ten years the invoice stays, with its amounts; its buyer does not.
            let erased = try await client.send(
                .post, "/api/v1/customers/\(old)/erase", auth: admin, json: ["reason": "Request"])
            #expect(erased.status == .ok, "\(erased.text)")
            #expect(try erased.json()["invoices"] as? Int == 1)
            let buyer = try await server.services.database.read { db in
                try String.fetchOne(db, sql: "SELECT buyer_name FROM invoices WHERE number = 'R-OLD-1'")
            }
            #expect(buyer == "Erased customer \(old)")
            // Another customer's issued invoice still never changes.
            await #expect(throws: (any Error).self) {
                try await server.services.database.write { db in
                    try db.execute(sql: "UPDATE invoices SET buyer_name = 'x' WHERE number = 'R-NEW-1'")
                }
            }
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    /// Another person's data is untouched, and a reason is required.
    @Test func erasureNeedsAReasonAndTouchesNoOneElse() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let kept = try await client.send(
                .post, "/api/v1/customers", auth: admin, json: ["name": "Kept Person", "email": "kept@example.org"])
            let gone = try await client.send(.post, "/api/v1/customers", auth: admin, json: ["name": "Gone Person"])
            let (keptID, goneID) = (
                try #require(try kept.json()["id"] as? Int), try #require(try gone.json()["id"] as? Int)
            )
            let noReason = try await client.send(.post, "/api/v1/customers/\(goneID)/erase", auth: admin, json: [:])
            #expect(noReason.status == .unprocessableContent)
            #expect(try noReason.apiError()["field"] as? String == "reason")
            #expect(
                try await client.send(.post, "/api/v1/customers/\(goneID)/erase", auth: admin, json: ["reason": "x"])
                    .status == .ok)
            let history = try await client.send(.get, "/api/v1/customers/\(keptID)/history", auth: admin)
            #expect(history.text.contains("kept@example.org"))
            let director = try await server.signIn(.director)
            let page = try await client.execute(
                uri: "/customers/\(keptID)/privacy", method: .get, headers: director.headers)
            #expect(page.text.contains("Erase personal data"))
            let technician = try await server.signIn(.technician)
            var headers = technician.headers
            headers[.contentType] = "application/json"
            let denied = try await client.execute(
                uri: "/api/v1/customers/\(keptID)/erase", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"reason":"no"}"#))
            #expect(denied.status == .forbidden)
        }
    }
}
