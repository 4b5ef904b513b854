import Attachments
import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import Testing

/// Files on records, through the real HTTP stack: stored once per content, typed by their bytes,
/// bounded in size, downloaded safely, deleted only with a reason, and audited with their hash.
///
/// One test at a time: run in parallel beside the whole suite, these servers (each a pool of SQLite
/// connections) made the test process crash inside Foundation's `Process.run` in the tests that
/// start `labbox` subprocesses, three runs out of three; serialized, the suite passes. The cause
/// inside Foundation (descriptor pressure is the suspect) was not pinned down.
@Suite(.serialized) struct AttachmentsTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8))
    static let scopes: Set<String> = ["attachments:read", "attachments:write", "animals:read", "animals:write"]

    /// Uploads `bytes` as `name` to animal `animal`; the response.
    static func upload(
        _ client: some TestClientProtocol, key: String, animal: Int64, name: String, bytes: Data, po: String? = nil,
        entityType: String = "animal"
    ) async throws -> TestResponse {
        var fields = [("entity_type", entityType), ("entity_id", String(animal))]
        if let po { fields.append(("po_number", po)) }
        return try await client.sendMultipart(
            "/api/v1/attachments", auth: key, fields: fields, files: [("file", name, bytes)])
    }

    static func rows(_ server: TestServer) async throws -> Int {
        try await server.services.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM attachments") ?? 0 }
    }

    /// The record types the API documents (`APISchema.attachableEntity`) are the ones the features declare.
    @Test func theDocumentedRecordTypesAreTheAttachableOnes() throws {
        #expect(
            try TestServer().services.attachments.records.entities.sorted()
                == APISchema.attachableEntities.sorted())
    }

    @Test func theSameContentIsStoredOnceAndItsHashIsAudited() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let first = try await client.newAnimal(auth: key, name: "Donor")
            let second = try await client.newAnimal(auth: key, name: "Recipient")
            let a = try await Self.upload(client, key: key, animal: first, name: "certificate.pdf", bytes: Self.pdf)
            #expect(a.status == .created, "\(a.text)")
            let b = try await Self.upload(client, key: key, animal: second, name: "copy.pdf", bytes: Self.pdf)
            #expect(b.status == .created)
            let (one, two) = (try a.json(), try b.json())
            let sha = try #require(one["sha256"] as? String)
            #expect(sha == SHA256.hash(data: Self.pdf).map { String(format: "%02x", $0) }.joined())
            #expect(two["sha256"] as? String == sha && two["id"] as? Int != one["id"] as? Int)
            #expect(one["media_type"] as? String == "application/pdf")
            #expect(one["size"] as? Int == Self.pdf.count)
            #expect(one["file_name"] as? String == "certificate.pdf")
            #expect(one["entity_type"] as? String == "animal" && one["entity_id"] as? Int == Int(first))

            // One file on disk for both rows, named by its content, and nothing left in incoming/.
            let stored = server.directory.path + "/attachments/files/\(sha.prefix(2))/\(sha)"
            #expect(FileManager.default.contents(atPath: stored) == Self.pdf)
            let files = try FileManager.default.contentsOfDirectory(
                atPath: server.directory.path + "/attachments/files/\(sha.prefix(2))")
            #expect(files == [sha])
            #expect(
                (try? FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/incoming")) ?? [] == [])

            let events = try await server.auditEvents().filter {
                $0.entityType == "attachment" && $0.action == "create"
            }
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.after?.contains("\"sha256\":\"\(sha)\"") == true })
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func theContentDecidesTheTypeNotTheNameOrTheClaim() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Sniffed")
            let program = Data([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]) + Data(count: 64)
            let cases: [(String, Data, Int, String?)] = [
                ("scan.pdf", program, 422, "file"),  // a program, named as a PDF
                ("report.pdf", Self.png, 422, "file"),  // an image, named as a PDF
                ("archive.zip", Data([0x50, 0x4B, 0x03, 0x04]) + Data("evil.exe".utf8), 422, "file"),
                ("empty.txt", Data(), 422, "file"),
                ("page.pdf", Data("<html><script>alert(1)</script></html>".utf8), 422, "file"),
            ]
            for (name, bytes, status, field) in cases {
                let response = try await Self.upload(client, key: key, animal: animal, name: name, bytes: bytes)
                #expect(response.status.code == status, "\(name): \(response.text)")
                let error = try response.apiError()
                #expect(error["field"] as? String == field, "\(name)")
                #expect(
                    error["code"] as? String
                        == (["scan.pdf", "archive.zip"].contains(name) ? "file_type_not_allowed" : "validation_failed"),
                    "\(name)")
            }
            #expect(try await Self.rows(server) == 0)
            #expect(!FileManager.default.fileExists(atPath: server.directory.path + "/attachments/files"))

            let csv = try await Self.upload(
                client, key: key, animal: animal, name: "weights.csv", bytes: Data("day,kg\r\n1,40\r\n".utf8))
            #expect(try csv.json()["media_type"] as? String == "text/csv; charset=utf-8")
            let image = try await Self.upload(client, key: key, animal: animal, name: "scan", bytes: Self.png)
            #expect(try image.json()["media_type"] as? String == "image/png")
        }
    }

    @Test func unknownRecordsAndMissingPartsChangeNothing() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let unknownType = try await Self.upload(
                client, key: key, animal: 1, name: "a.pdf", bytes: Self.pdf, entityType: "spaceship")
            #expect(unknownType.status == .unprocessableContent)
            #expect(try unknownType.apiError()["field"] as? String == "entity_type")
            let unknownID = try await Self.upload(client, key: key, animal: 999_999, name: "a.pdf", bytes: Self.pdf)
            #expect(unknownID.status == .unprocessableContent)
            #expect(try unknownID.apiError()["field"] as? String == "entity_id")
            let noFile = try await client.sendMultipart(
                "/api/v1/attachments", auth: key, fields: [("entity_type", "animal"), ("entity_id", "1")], files: [])
            #expect(noFile.status == .unprocessableContent)
            #expect(try noFile.apiError()["field"] as? String == "file")
            let json = try await client.send(.post, "/api/v1/attachments", auth: key, json: ["entity_type": "animal"])
            #expect(json.status == .unsupportedMediaType)
            var headers: HTTPFields = [.authorization: key, .contentType: "multipart/form-data; boundary=x"]
            let malformed = try await client.execute(
                uri: "/api/v1/attachments", method: .post, headers: headers,
                body: ByteBuffer(string: "--x\r\nbroken header line without colon\r\n\r\n"))
            #expect(malformed.status == .badRequest || malformed.status == .unprocessableContent, "\(malformed.text)")
            headers[.contentType] = "multipart/form-data"
            let noBoundary = try await client.execute(
                uri: "/api/v1/attachments", method: .post, headers: headers, body: ByteBuffer(string: "x"))
            #expect(noBoundary.status == .unsupportedMediaType)
        }
        #expect(try await Self.rows(server) == 0)
    }

    @Test func aFileOverTheLimitIs413WithTheStandardBody() async throws {
        let server = try TestServer { $0.attachmentMaxBytes = 2048 }
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Large")
            let big = try await Self.upload(
                client, key: key, animal: animal, name: "big.txt", bytes: Data(repeating: 0x41, count: 4096))
            #expect(big.status == .contentTooLarge)
            let error = try big.apiError()
            #expect(error["code"] as? String == "payload_too_large")
            #expect((error["message"] as? String)?.contains("attachments.max_bytes") == true)
            #expect(error["request_id"] != nil)
            // A body far beyond the limit is refused from its Content-Length, before it is read.
            let huge = try await Self.upload(
                client, key: key, animal: animal, name: "huge.txt", bytes: Data(repeating: 0x41, count: 200_000))
            #expect(huge.status == .contentTooLarge)
            let fits = try await Self.upload(
                client, key: key, animal: animal, name: "fits.txt", bytes: Data(repeating: 0x41, count: 2048))
            #expect(fits.status == .created)
        }
        #expect(try await Self.rows(server) == 1)
    }

    @Test func aDownloadIsTypedNamedAndNeverSniffed() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Downloads")
            let pdf = try await Self.upload(
                client, key: key, animal: animal, name: "Zertifikat Müller 100%.pdf", bytes: Self.pdf)
            let pdfID = try #require(try pdf.json()["id"] as? Int)
            let download = try await client.send(.get, "/api/v1/attachments/\(pdfID)/content", auth: key)
            #expect(download.status == .ok)
            #expect(Data(buffer: download.body) == Self.pdf)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(download.headers[.cacheControl] == "no-store")
            let disposition = try #require(download.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"Zertifikat M_ller 100_.pdf\""), "\(disposition)")
            #expect(disposition.hasSuffix("filename*=UTF-8''Zertifikat%20M%C3%BCller%20100%25.pdf"), "\(disposition)")
            // Only an image may be shown inline.
            let inlinePDF = try await client.send(.get, "/api/v1/attachments/\(pdfID)/content?inline=true", auth: key)
            #expect(inlinePDF.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let png = try await Self.upload(client, key: key, animal: animal, name: "scan.png", bytes: Self.png)
            let pngID = try #require(try png.json()["id"] as? Int)
            let inline = try await client.send(.get, "/api/v1/attachments/\(pngID)/content?inline=true", auth: key)
            #expect(inline.headers[.contentDisposition]?.hasPrefix("inline;") == true)
            #expect(inline.headers[.contentType] == "image/png")
            let metadata = try await client.send(.get, "/api/v1/attachments/\(pngID)", auth: key)
            #expect(try metadata.json()["file_name"] as? String == "scan.png")
        }
    }

    @Test func deletingNeedsAReasonAndKeepsTheTrailAndTheFile() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Deletes")
            let created = try await Self.upload(client, key: key, animal: animal, name: "old.pdf", bytes: Self.pdf)
            let id = try #require(try created.json()["id"] as? Int)
            let sha = try #require(try created.json()["sha256"] as? String)
            let noReason = try await client.send(.delete, "/api/v1/attachments/\(id)", auth: key)
            #expect(noReason.status == .unprocessableContent)
            #expect(try noReason.apiError()["field"] as? String == "reason")
            let blank = try await client.send(.delete, "/api/v1/attachments/\(id)", auth: key, json: ["reason": " "])
            #expect(blank.status == .unprocessableContent)
            let deleted = try await client.send(
                .delete, "/api/v1/attachments/\(id)", auth: key, json: ["reason": "uploaded to the wrong animal"])
            #expect(deleted.status == .noContent)
            #expect(try await client.send(.get, "/api/v1/attachments/\(id)", auth: key).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/attachments/\(id)/content", auth: key).status == .notFound)
            let list = try await client.send(
                .get, "/api/v1/attachments?entity_type=animal&entity_id=\(animal)", auth: key)
            #expect((try list.json()["items"] as? [Any])?.isEmpty == true)
            let event = try #require(try await server.auditEvents().last)
            #expect(event.entityType == "attachment" && event.action == "delete")
            #expect(event.reason == "uploaded to the wrong animal")
            #expect(event.before?.contains(sha) == true)
            #expect(
                FileManager.default.fileExists(
                    atPath: server.directory.path + "/attachments/files/\(sha.prefix(2))/\(sha)"))
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func aFileIsItsRecordsToSeeAndChange() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        // Attachments' own scopes are not enough: the record's permission is needed too.
        let noAnimals = try await server.apiKey(["attachments:read", "attachments:write"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: admin, name: "Guarded")
            let refused = try await Self.upload(client, key: noAnimals, animal: animal, name: "a.pdf", bytes: Self.pdf)
            #expect(refused.status == .forbidden)
            let created = try await Self.upload(client, key: admin, animal: animal, name: "a.pdf", bytes: Self.pdf)
            let id = try #require(try created.json()["id"] as? Int)
            #expect(try await client.send(.get, "/api/v1/attachments/\(id)", auth: noAnimals).status == .forbidden)
            let hidden = try await client.send(.get, "/api/v1/attachments", auth: noAnimals)
            #expect((try hidden.json()["items"] as? [Any])?.isEmpty == true)

            // A technician works with animals but not with money: an invoice's files are not theirs.
            let customer = try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Farm"])["id"] as? Int
            let invoiceRecord = try await server.services.database.pool.write { db -> Int64 in
                try db.execute(
                    sql: """
                        INSERT INTO invoices (kind, state, customer_id, currency, rounding, created_at, updated_at)
                        VALUES ('invoice', 'draft', ?, 'EUR', 'rate', '2026-01-01', '2026-01-01')
                        """, arguments: [customer])
                return db.lastInsertedRowID
            }
            let toInvoice = try await client.sendMultipart(
                "/api/v1/attachments", session: technician,
                fields: [("entity_type", "invoice"), ("entity_id", String(invoiceRecord))],
                files: [("file", "po.pdf", Self.pdf)])
            #expect(toInvoice.status == .forbidden, "\(toInvoice.text)")
            let byAdmin = try await Self.upload(
                client, key: admin, animal: invoiceRecord, name: "po.pdf", bytes: Self.pdf, po: "PO-77",
                entityType: "invoice")
            #expect(byAdmin.status == .created, "\(byAdmin.text)")
            let techList = try await client.send(.get, "/api/v1/attachments?po_number=PO-77", session: technician)
            #expect((try techList.json()["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func filesAreFiledByPurchaseOrder() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Ordered")
            for (name, po) in [("a.pdf", "PO-1"), ("b.txt", "PO-1"), ("c.txt", nil), ("d.txt", "PO-2")] {
                let bytes = name.hasSuffix(".pdf") ? Self.pdf : Data("note \(name)".utf8)
                let response = try await Self.upload(client, key: key, animal: animal, name: name, bytes: bytes, po: po)
                #expect(response.status == .created)
            }
            let filed = try await client.send(.get, "/api/v1/attachments?po_number=PO-1", auth: key)
            let names = (try filed.json()["items"] as? [[String: Any]])?.compactMap { $0["file_name"] as? String }
            #expect(names == ["b.txt", "a.pdf"])
            let all = try await client.send(.get, "/api/v1/attachments?limit=2", auth: key)
            #expect((try all.json()["items"] as? [Any])?.count == 2)
            let cursor = try #require(try all.json()["next_cursor"] as? String)
            let rest = try await client.send(.get, "/api/v1/attachments?limit=2&cursor=\(cursor)", auth: key)
            #expect((try rest.json()["items"] as? [Any])?.count == 2)
            let unknown = try await client.send(.get, "/api/v1/attachments?entity_type=spaceship", auth: key)
            #expect(unknown.status == .unprocessableContent)
        }
    }

    /// Without script: the panel's form posts every chosen file at once, with the CSRF token as a
    /// form field, and the record's page comes back listing them.
    @Test func theBrowserFormWorksWithoutScript() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let animal = try await client.newAnimal(auth: admin, name: "Pictured")
            let page = try await client.execute(uri: "/animals/\(animal)", method: .get, headers: session.headers)
            #expect(page.text.contains("enctype=\"multipart/form-data\""))
            #expect(page.text.contains("No files attached."))

            let fields = [("_csrf", session.csrf), ("entity_type", "animal"), ("entity_id", String(animal))]
            let files: [(field: String, name: String, bytes: Data)] = [
                ("file", "scan.png", Self.png), ("file", "certificate.pdf", Self.pdf),
            ]
            let forged = try await client.sendMultipart(
                "/attachments", session: session, csrfHeader: false, fields: Array(fields.dropFirst()), files: files)
            #expect(forged.status == .forbidden)
            let posted = try await client.sendMultipart(
                "/attachments", session: session, csrfHeader: false, fields: fields, files: files)
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "/animals/\(animal)")
            let shown = try await client.execute(uri: "/animals/\(animal)", method: .get, headers: session.headers)
            #expect(shown.text.contains("Files (2)"))
            #expect(shown.text.contains("scan.png") && shown.text.contains("certificate.pdf"))
            #expect(shown.text.contains("class=\"thumbnail\""))

            let id = try #require(
                try await server.services.database.read {
                    try Int64.fetchOne($0, sql: "SELECT id FROM attachments WHERE file_name = 'scan.png'")
                })
            let deleted = try await client.sendForm(
                "/attachments/\(id)/delete", session: session, ["reason": "blurred"])
            #expect(deleted.status == .seeOther)
            let after = try await client.execute(uri: "/animals/\(animal)", method: .get, headers: session.headers)
            #expect(after.text.contains("Files (1)"))
        }
    }

    /// Backups already copy `attachments/`: an uploaded file is in the archive and comes back on restore.
    @Test func aBackupCarriesTheFilesAndRestoreBringsThemBack() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(Self.scopes)
        let sha = try await server.test { client in
            let animal = try await client.newAnimal(auth: key, name: "Backed up")
            let created = try await Self.upload(client, key: key, animal: animal, name: "scan.png", bytes: Self.png)
            return try #require(try created.json()["sha256"] as? String)
        }
        let member = "attachments/files/\(sha.prefix(2))/\(sha)"
        let created = try await server.services.backups.create()
        let report = BackupCheck.verify(created.archive, key: nil)
        #expect(report.passed, "\(report.checks.map { "\($0.name): \($0.detail)" })")
        #expect(created.manifest.files[member] != nil, "\(created.manifest.files.keys.sorted())")
        let target = try TemporaryDirectory()
        let data = URL(fileURLWithPath: target.path + "/restored")
        #expect(try BackupCheck.restore(created.archive, key: nil, into: data, force: false) == nil)
        #expect(FileManager.default.contents(atPath: data.path + "/" + member) == Self.png)
        let restored = try AppDatabase.inspect(path: data.path + "/labbox.db") {
            try String.fetchOne($0, sql: "SELECT sha256 FROM attachments")
        }
        #expect(restored == sha)
    }
}
