import Collaboration
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

/// The document library (decision 0042): versions kept, approval by e-signature, Markdown
/// rendered safely, search with snippets, and the zip out and in, through the real HTTP stack.
@Suite(.serialized) struct LibraryTests {
    static var password: [String: Any] { ["password": TestServer.password] }

    /// A zip of `files` (name, text), as another tool would make it.
    static func zip(_ files: [(String, String)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (name, text) in files {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }

    @Test func aVersionIsPutInForceOnlyByAnotherPersonsSignatureAndNothingIsOverwritten() async throws {
        let server = try TestServer()
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        let admin = try await server.signIn(.admin)
        let approveKey = try await server.apiKey(["library:read", "library:approve"])
        try await server.test { client in
            let first = try await client.postJSON(
                "/api/v1/library/documents", session: technician,
                ["title": "SOP-01 OPU", "collection": "SOPs", "tags": ["OPU", "ivf"], "body": "Use 18 G needles."])
            #expect(first["status"] as? String == "draft" && first["number"] as? Int == 1)
            #expect(first["tags"] as? [String] == ["opu", "ivf"])
            let document = try #require(first["document_id"] as? Int)
            let v1 = try #require(first["id"] as? Int)

            try await step("technicians propose but do not approve; keys cannot sign; a wrong password fails") {
                let refused = try await client.send(
                    .post, "/api/v1/library/versions/\(v1)/approve", session: technician, json: Self.password)
                #expect(refused.status == .forbidden)
                let key = try await client.send(
                    .post, "/api/v1/library/versions/\(v1)/approve", auth: approveKey, json: Self.password)
                #expect(key.status == .forbidden, "\(key.text)")
                let wrong = try await client.send(
                    .post, "/api/v1/library/versions/\(v1)/approve", session: director, json: ["password": "no"])
                #expect(wrong.status == .unauthorized)
            }
            try await step("a director approves: the version is in force, signed") {
                let approved = try await client.postJSON(
                    "/api/v1/library/versions/\(v1)/approve", session: director, Self.password, expect: .ok)
                #expect(approved["status"] as? String == "in_force")
                #expect(approved["approved_by"] as? String == Role.director.label)
                let approvals = try #require(approved["approvals"] as? [[String: Any]])
                #expect(approvals.map { $0["meaning"] as? String } == ["approved"])
                let again = try await client.send(
                    .post, "/api/v1/library/versions/\(v1)/approve", session: admin, json: Self.password)
                #expect(try again.apiError()["field"] as? String == "status")
            }
            try await step("the author of a version may not approve it; someone else may") {
                let second = try await client.postJSON(
                    "/api/v1/library/documents/\(document)/versions", session: director,
                    ["body": "Use 19 G needles.", "change_note": "fewer bloody aspirates"])
                #expect(second["number"] as? Int == 2 && second["title"] as? String == "SOP-01 OPU")
                let v2 = try #require(second["id"] as? Int)
                let waiting = try await client.send(.get, "/api/v1/library/documents/\(document)", session: technician)
                let listed = try #require(try waiting.json()["document"] as? [String: Any])
                #expect(listed["in_force_number"] as? Int == 1 && listed["awaits_approval"] as? Bool == true)
                let own = try await client.send(
                    .post, "/api/v1/library/versions/\(v2)/approve", session: director, json: Self.password)
                #expect(own.status == .forbidden, "\(own.text)")
                _ = try await client.postJSON(
                    "/api/v1/library/versions/\(v2)/approve", session: admin, Self.password, expect: .ok)
                let detail = try await client.send(.get, "/api/v1/library/documents/\(document)", session: technician)
                let versions = try #require(try detail.json()["versions"] as? [[String: Any]])
                #expect(versions.map { $0["status"] as? String } == ["in_force", "superseded"])
                #expect(versions.map { $0["body"] as? String } == ["Use 19 G needles.", "Use 18 G needles."])
                // The approval signed the text, which has not changed: it still covers the superseded version.
                let old = try #require(versions.last?["approvals"] as? [[String: Any]])
                #expect(old.first?["matches_current_version"] as? Bool == true)
            }
            try await step("a version older than the one in force cannot be approved") {
                let late = try await client.postJSON(
                    "/api/v1/library/documents/\(document)/versions", session: technician, ["body": "Third."])
                let v3 = try #require(late["id"] as? Int)
                let fourth = try await client.postJSON(
                    "/api/v1/library/documents/\(document)/versions", session: technician, ["body": "Fourth."])
                _ = try await client.postJSON(
                    "/api/v1/library/versions/\(fourth["id"] as? Int ?? 0)/approve", session: director, Self.password,
                    expect: .ok)
                let stale = try await client.send(
                    .post, "/api/v1/library/versions/\(v3)/approve", session: director, json: Self.password)
                #expect(stale.status == .unprocessableContent)
                #expect(try stale.apiError()["field"] as? String == "status")
            }
        }
        // What was written stays: the table refuses a changed text and a deletion.
        await #expect(throws: DatabaseError.self) {
            try await server.services.database.write { try $0.execute(sql: "UPDATE library_versions SET body = 'x'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await server.services.database.write { try $0.execute(sql: "DELETE FROM library_versions") }
        }
        let events = try await server.auditEvents().filter { $0.entityType == LibraryVersion.auditEntity }
        #expect(events.filter { $0.action == "sign" }.count == 3)
        #expect(events.contains { $0.action == "library.supersede" })
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func badInputIsRefusedWithItsFieldAndNothingIsStored() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["library:read", "library:write"])
        try await server.test { client in
            for (body, field) in [
                (["body": "text"], "title"),
                (["title": "  ", "body": "text"], "title"),
                (["title": "T", "body": "  "], "body"),
                (["title": "T\nU", "body": "text"], "title"),
                (["title": "T", "body": "bell \u{7}"], "body"),
                (["title": "T", "body": "x", "tags": ["two words"]], "tags"),
                (["title": "T", "body": "x", "tags": NSNull()], "tags"),
                (["title": "T", "body": "x", "tags": "one, two"], "tags"),
                (["title": "T", "body": String(repeating: "x", count: 100_001)], "body"),
            ] as [([String: Any], String)] {
                let refused = try await client.send(.post, "/api/v1/library/documents", auth: key, json: body)
                #expect(refused.status.code == 422 || refused.status.code == 400, "\(field): \(refused.text)")
                #expect(try refused.apiError()["field"] as? String == field, "\(refused.text)")
            }
            let missing = try await client.send(
                .post, "/api/v1/library/documents/999/versions", auth: key, json: ["body": "x"])
            #expect(missing.status == .notFound)
        }
        #expect(try await server.services.database.read { try LibraryDocument.fetchCount($0) } == 0)
    }

    /// Every tag of rendered Markdown is one Markdown makes, with only its own attributes, and
    /// every link or image target is http(s), mailto or relative.
    static func expectSafe(_ html: String, _ source: String) {
        let allowed: Set<String> = [
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "em", "strong",
            "s", "a", "img", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
        ]
        let attributes: Set<String> = ["href", "rel", "src", "alt", "class", "start", "align"]
        for match in html.matches(of: /<\/?([a-zA-Z0-9]+)([^>]*)>/) {
            #expect(allowed.contains(String(match.output.1)), "\(source) → \(html)")
            for attribute in match.output.2.matches(of: /\s([a-zA-Z-]+)="([^"]*)"/) {
                #expect(attributes.contains(String(attribute.output.1)), "\(source) → \(html)")
                let value = attribute.output.2.lowercased()
                #expect(!value.contains("javascript:") && !value.hasPrefix("data:"), "\(source) → \(html)")
            }
            // Nothing but name="value" pairs: no attribute smuggled in without quotes.
            let rest = match.output.2.replacing(/\s[a-zA-Z-]+="[^"]*"/, with: "")
            #expect(rest.trimmingCharacters(in: .whitespaces).isEmpty || rest == "/", "\(source) → \(html)")
        }
        #expect(html.matches(of: /<a[\s>]/).count == html.matches(of: /<\/a>/).count, "\(source) → \(html)")
    }

    @Test func hostileMarkdownIsShownAsTextAndItsLinksCannotRunScript() async throws {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)><a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe><style>body{display:none}</style>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](  java\tscript:alert(1))",
            "[click](&#106;avascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "![x](data:image/svg+xml,<svg onload=alert(1)>)",
            "[x](https://ok.example/a\" onmouseover=\"alert(1))",
            "[x](https://ok.example/a\"onmouseover=\"alert(1))",
            "[ref][1]\n\n[1]: javascript:alert(1)",
            "<a href=\"https://ok.example\" onclick=\"alert(1)\">unclosed",
            "**bold <b onmouseover=alert(1)>x</b>**",
            "<!-- <script>alert(1)</script> -->",
            "<div\n onclick=alert(1)>block</div>",
            "`<script>`\n\n```html\n<script>alert(1)</script>\n```",
            "<a href='javascript:alert(1)'>x</a> & <b>",
            "<",
            "<a",
            "<a href=\"",
        ]
        for source in hostile {
            let html = SafeMarkdown.html(source)
            Self.expectSafe(html, source)
            #expect(!html.contains("<script") && !html.contains("<svg") && !html.contains("<iframe"), "\(html)")
        }
        #expect(SafeMarkdown.html("<script>alert(1)</script>").contains("&lt;script&gt;"))
        let good = SafeMarkdown.html(
            "# Title\n\n**Bold** and [a link](https://example.com/x?a=1&b=2) and [mail](mailto:lab@example.com).\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        )
        #expect(good.contains("<h1>Title</h1>") && good.contains("<strong>Bold</strong>"), "\(good)")
        #expect(good.contains("<a href=\"https://example.com/x?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\">"))
        #expect(good.contains("href=\"mailto:lab@example.com\"") && good.contains("<ol>") && good.contains("<table>"))

        // The same through the API and the pages.
        let server = try TestServer()
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let version = try await client.postJSON(
                "/api/v1/library/documents", session: technician,
                ["title": "<script>alert(1)</script>", "body": hostile.joined(separator: "\n\n")])
            let html = try #require(version["html"] as? String)
            Self.expectSafe(html, "the API")
            for path in [
                "/library/\(version["document_id"] as? Int ?? 0)", "/library/versions/\(version["id"] as? Int ?? 0)",
            ] {
                let page = try await client.send(.get, path, session: technician)
                #expect(page.status == .ok)
                #expect(!page.text.contains("<script>alert") && !page.text.contains(/<[^>]*\sonerror=/), "\(path)")
                #expect(!page.text.contains(/<a[^>]*href="javascript/), "\(path)")
            }
            let preview = try await client.sendForm(
                "/library", session: technician,
                ["title": "P", "body": "<script>alert(1)</script> **ok**", "preview": "1", "_csrf": technician.csrf])
            #expect(preview.status == .ok)
            #expect(preview.text.contains("<strong>ok</strong>") && !preview.text.contains("<script>alert"))
        }
    }

    @Test func searchFindsTheCurrentVersionWithHighlightedSnippets() async throws {
        let server = try TestServer()
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        let samplesOnly = try await server.apiKey(["samples:read"])
        try await server.test { client in
            let version = try await client.postJSON(
                "/api/v1/library/documents", session: technician,
                [
                    "title": "SOP-07 Vitrification", "collection": "SOPs", "tags": ["cryo"],
                    "body": "Equilibrate in <b>ethylene</b> glycol for nine minutes, then plunge into liquid nitrogen.",
                ])
            let document = try #require(version["document_id"] as? Int)
            func hits(_ q: String, auth: String? = nil, session: BrowserSession? = nil) async throws -> [[String: Any]]
            {
                let response = try await client.send(.get, "/api/v1/search?q=\(q)", auth: auth, session: session)
                return try #require(try response.json()["items"] as? [[String: Any]]).filter {
                    $0["type"] as? String == "document"
                }
            }
            // A draft is found while no version is in force.
            let found = try await hits("ethyl", session: technician)
            #expect(found.map { $0["id"] as? Int } == [document])
            let snippet = try #require(found.first?["snippet"] as? String)
            #expect(snippet.contains("<mark>ethylene</mark>") && snippet.contains("&lt;b&gt;"), "\(snippet)")
            _ = try await client.postJSON(
                "/api/v1/library/versions/\(version["id"] as? Int ?? 0)/approve", session: director, Self.password,
                expect: .ok)
            // A newer draft does not replace the version in force in the search.
            _ = try await client.postJSON(
                "/api/v1/library/documents/\(document)/versions", session: technician,
                ["body": "Equilibrate in propylene glycol."])
            #expect(try await hits("propylene", session: technician).isEmpty)
            #expect(try await hits("ethylene", session: technician).count == 1)
            #expect(try await hits("cryo", session: technician).count == 1)
            // Who may not read the library finds none of it.
            #expect(try await hits("ethylene", auth: samplesOnly).isEmpty)
            let page = try await client.send(.get, "/search?q=nitrogen", session: technician)
            #expect(page.text.contains("<mark>nitrogen</mark>") && page.text.contains("/library/\(document)"))
        }
    }

    @Test func theLibraryGoesOutAndComesBackAsMarkdownInAZip() async throws {
        let server = try TestServer()
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        let archive = try await server.test { client in
            let opu = try await client.postJSON(
                "/api/v1/library/documents", session: technician,
                [
                    "title": "OPU: ovum pick-up", "collection": "SOPs", "tags": ["opu", "ivf"],
                    "body": "# OPU\n\nStep 1.",
                ])
            _ = try await client.postJSON(
                "/api/v1/library/versions/\(opu["id"] as? Int ?? 0)/approve", session: director, Self.password,
                expect: .ok)
            _ = try await client.postJSON(
                "/api/v1/library/documents", session: technician,
                [
                    "title": "IVF medium", "collection": "Media recipes", "tags": ["media"],
                    "body": "| a | b |\n|---|---|",
                ])
            let export = try await client.send(.get, "/api/v1/library/export", session: technician)
            #expect(export.status == .ok && export.headers[.contentType] == "application/zip")
            let exported = Data(buffer: export.body)
            let filtered = try await client.send(.get, "/api/v1/library/export?tag=opu", session: technician)
            let files = try LibraryArchive.files(in: Data(buffer: filtered.body))
            #expect(files.map(\.input.title) == ["OPU: ovum pick-up"])
            #expect(files.first?.input.body?.contains("# OPU\n\nStep 1.") == true)
            return exported
        }
        let fresh = try TestServer()
        let freshTechnician = try await fresh.signIn(.technician)
        try await fresh.test { client in
            let imported = try await client.sendMultipart(
                "/api/v1/library/import", session: freshTechnician, files: [("file", "library.zip", archive)])
            #expect(imported.status == .ok, "\(imported.text)")
            #expect(try imported.json()["created"] as? Int == 2)
            let list = try await client.send(.get, "/api/v1/library/documents", session: freshTechnician)
            let documents = try #require(try list.json()["items"] as? [[String: Any]])
            #expect(documents.map { $0["title"] as? String } == ["IVF medium", "OPU: ovum pick-up"])
            #expect(documents.map { $0["tags"] as? [String] } == [["media"], ["opu", "ivf"]])
            #expect(documents.map { $0["collection"] as? String } == ["Media recipes", "SOPs"])
            // Imported text is a draft: nothing is in force without an approval.
            #expect(documents.allSatisfy { $0["in_force_number"] == nil || $0["in_force_number"] is NSNull })
            let detail = try await client.send(
                .get, "/api/v1/library/documents/\(documents.last?["id"] as? Int ?? 0)", session: freshTechnician)
            let body = try #require(try detail.json()["versions"] as? [[String: Any]]).first?["body"] as? String
            #expect(body == "# OPU\n\nStep 1.")

            // The same archive again changes nothing; a changed file is a new version.
            let again = try await client.sendMultipart(
                "/api/v1/library/import", session: freshTechnician, files: [("file", "library.zip", archive)])
            #expect(try again.json()["unchanged"] as? Int == 2)
            let changed = try Self.zip([("opu.md", "---\ntitle: OPU: ovum pick-up\ntags: opu\n---\n# OPU\n\nStep 2.\n")]
            )
            let proposed = try await client.sendMultipart(
                "/api/v1/library/import", session: freshTechnician, files: [("file", "x.zip", changed)])
            #expect(try proposed.json()["proposed"] as? Int == 1, "\(proposed.text)")

            // Hostile or broken archives are refused whole, naming the file.
            for (bytes, message) in [
                (Data("not a zip".utf8), "Not a zip archive."),
                (try Self.zip([("a.md", "fine"), ("run.exe", "MZ")]), "run.exe is not a Markdown"),
                (try Self.zip([("big.md", String(repeating: "x", count: LibraryArchive.maxFileBytes + 1))]), "big.md"),
                (try Self.zip([("bad.md", "---\ntitle: Bad\n---\n\u{1}")]), "bad.md: "),
                (try Self.zip([("notes/.hidden.md", "x")]), "The archive holds no Markdown"),
            ] {
                let refused = try await client.sendMultipart(
                    "/api/v1/library/import", session: freshTechnician, files: [("file", "x.zip", bytes)])
                #expect(refused.status == .unprocessableContent, "\(message): \(refused.text)")
                let error = try refused.apiError()
                #expect((error["message"] as? String)?.contains(message) == true, "\(error)")
                #expect(error["field"] as? String == "file")
            }
        }
        #expect(try await fresh.services.database.read { try LibraryVersion.fetchCount($0) } == 3)
    }

    @Test func theListFiltersByCollectionAndTagAPageAtATime() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["library:read", "library:write"])
        let auditor = try await server.signIn(.auditor)
        try await server.test { client in
            for (title, collection, tags) in [
                ("A: OPU", "SOPs", ["opu"]), ("B: LN2 filling", "SOPs", ["ln2", "safety"]),
                ("C: IVF medium", "Media recipes", ["ivf"]),
            ] {
                _ = try await client.postJSON(
                    "/api/v1/library/documents", auth: key,
                    ["title": title, "collection": collection, "tags": tags, "body": "Text of \(title)."])
            }
            func titles(_ query: String) async throws -> ([String], String?) {
                let response = try await client.send(.get, "/api/v1/library/documents?\(query)", auth: key)
                let json = try response.json()
                let items = try #require(json["items"] as? [[String: Any]])
                return (items.compactMap { $0["title"] as? String }, json["next_cursor"] as? String)
            }
            #expect(try await titles("collection=SOPs").0 == ["A: OPU", "B: LN2 filling"])
            #expect(try await titles("tag=SAFETY").0 == ["B: LN2 filling"])
            #expect(try await titles("tag=_").0.isEmpty)
            let (first, cursor) = try await titles("limit=2")
            #expect(first == ["A: OPU", "B: LN2 filling"])
            #expect(try await titles("limit=2&cursor=\(try #require(cursor))").0 == ["C: IVF medium"])

            // The pages: an auditor reads, and is offered no form to write.
            let page = try await client.send(.get, "/library?collection=SOPs", session: auditor)
            #expect(page.status == .ok && page.text.contains("B: LN2 filling") && !page.text.contains("C: IVF medium"))
            #expect(!page.text.contains("/library/new") && !page.text.contains("/library/import"))
            let paged = try await client.send(.get, "/library?limit=1", session: auditor)
            #expect(paged.text.contains("Next page"))
        }
    }

    @Test func thePagesProposeAndApproveAVersion() async throws {
        let server = try TestServer()
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let created = try await client.sendForm(
                "/library", session: technician,
                [
                    "title": "SOP-12 LN2", "collection": "SOPs", "tags": "ln2, safety",
                    "body": "# Fill\r\n\r\n1. Slowly.\r\n2. Log the level.",
                    "change_note": "", "_csrf": technician.csrf,
                ])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            let page = try await client.send(.get, location, session: technician)
            #expect(
                page.text.contains("<h1>Fill</h1>") && page.text.contains("No version of this document is in force"))
            // A browser posts the textarea's lines with CRLF: still a list of two steps.
            #expect(page.text.contains("<li>Slowly.</li><li>Log the level.</li>"), "\(page.text)")
            #expect(!page.text.contains("open it to approve"))
            let id = try await server.services.database.read {
                try #require(try LibraryVersion.fetchOne($0)?.id)
            }
            let versionPage = try await client.send(.get, "/library/versions/\(id)", session: director)
            #expect(versionPage.text.contains("Approve and put in force"))
            let own = try await client.send(.get, "/library/versions/\(id)", session: technician)
            #expect(!own.text.contains("Approve and put in force"))
            let approved = try await client.sendForm(
                "/library/versions/\(id)/approve", session: director,
                ["password": TestServer.password, "_csrf": director.csrf])
            #expect(approved.status == .seeOther && approved.headers[.location] == location)
            let after = try await client.send(.get, location, session: technician)
            #expect(after.text.contains("In force") && after.text.contains(Role.director.label))
            let refused = try await client.sendForm(
                "/library", session: technician, ["title": "", "body": "x", "_csrf": technician.csrf])
            #expect(refused.status == .unprocessableContent && refused.text.contains("Give the document a title"))
        }
    }
}
