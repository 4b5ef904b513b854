import Billing
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

/// A customer's statement of account, and mail to the billing address: the statement, and an
/// issued invoice with its HTML and e-invoice attached, as MIME an independent parser reads.
@Suite struct StatementAndMailTests {
    @Test func theStatementListsEveryMovementWithTheRunningBalanceAndIsEmailed() async throws {
        let server = try TestServer { $0.labName = "Celle Repro Lab" }
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Elm Farm")
            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "100")
            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "50")
            let invoice = try await BillingFixture.issued(client, key: key, customer: customer)
            let id = try #require(invoice["id"] as? Int)
            let second = try #require((invoice["lines"] as? [[String: Any]])?.last?["id"] as? Int)
            _ = try await client.postJSON(
                "/api/v1/invoices/\(id)/credit-notes", auth: key,
                ["reason": "one test too many", "lines": [["line_id": second]]])
            let payment = try await client.postJSON(
                "/api/v1/payments", auth: key,
                [
                    "customer_id": customer, "amount": "150", "reference": invoice["number"] as? String ?? "",
                    "allocations": [["invoice_id": id, "amount": "119"]],
                ])
            _ = try await client.postJSON(
                "/api/v1/payments/\(payment["id"] as? Int ?? 0)/refunds", auth: key,
                ["amount": "20", "reason": "overpaid"])
            let statement = try await client.send(.get, "/api/v1/customers/\(customer)/statement", auth: key).json()
            let entries = try #require(statement["entries"] as? [[String: Any]])
            #expect(statement["opening"] as? String == "0.00")
            #expect(entries.map { $0["kind"] as? String } == ["invoice", "credit_note", "payment", "refund"])
            #expect(entries.map { $0["amount"] as? String } == ["178.50", "-59.50", "-150.00", "20.00"])
            #expect(entries.map { $0["balance"] as? String } == ["178.50", "119.00", "-31.00", "-11.00"])
            #expect(statement["closing"] as? String == "-11.00")
            let tomorrow = Day.adding(1, to: Day.today) ?? ""
            let later = try await client.send(
                .get, "/api/v1/customers/\(customer)/statement?from=\(tomorrow)&to=\(tomorrow)", auth: key
            ).json()
            #expect(later["opening"] as? String == "-11.00" && (later["entries"] as? [Any])?.isEmpty == true)
            let backwards = try await client.send(
                .get, "/api/v1/customers/\(customer)/statement?from=\(tomorrow)&to=2020-01-01", auth: key)
            #expect(try backwards.apiError()["field"] as? String == "to")
            #expect(
                try await client.send(.get, "/api/v1/customers/\(customer)/statement?from=", auth: key).status
                    == .badRequest)
            #expect(try await client.send(.get, "/api/v1/customers/9999/statement", auth: key).status == .notFound)

            let page = try await client.send(
                .get, "/billing/customers/\(customer)/statement?paper=letter", session: director)
            #expect(page.text.contains("paper-letter") && page.text.contains("Your credit with us: 11.00"))
            #expect(page.text.contains("Balance brought forward"))
            let sent = try await client.send(
                .post, "/api/v1/customers/\(customer)/statement/email", auth: key, json: [:])
            #expect(sent.status == .accepted)
            #expect(try sent.json()["to"] as? String == "office@elmfarm.example")
            let mail = try #require(
                try await server.services.database.read { db in
                    try EmailMessage.order(Column("id").desc).fetchOne(db)
                })
            #expect(mail.subject.hasPrefix("Statement of account") && mail.subject.hasSuffix("Celle Repro Lab"))
            #expect(mail.body.contains("Your credit with us: 11.00 EUR") && mail.body.contains("-150.00"))
            #expect(mail.html.contains("<strong>-11.00</strong>"))
            #expect(try await server.auditEvents().contains { $0.action == "email_statement" })
        }
    }

    @Test func anIssuedInvoiceIsMailedWithItsHTMLAndEInvoiceAttachedAsValidMIME() async throws {
        let server = try TestServer {
            $0.labName = "Celle Repro Lab"
            $0.labAddress = "Labweg 2, 10115 Berlin, DE"
            $0.billing.iban = "DE02120300000000202051"
        }
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Ash Farm")
            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "100")
            let draft = try await client.postJSON("/api/v1/invoices", auth: key, ["customer_id": customer])
            let draftID = try #require(draft["id"] as? Int)
            #expect(try await client.send(.post, "/api/v1/invoices/\(draftID)/email", auth: key).status == .conflict)
            let invoice = try await client.send(.post, "/api/v1/invoices/\(draftID)/issue", auth: key).json()
            let number = try #require(invoice["number"] as? String)
            let sent = try await client.send(.post, "/api/v1/invoices/\(draftID)/email", auth: key)
            #expect(sent.status == .accepted)
            #expect(try sent.json()["attachments"] as? [String] == ["\(number).html", "\(number).xml"])
            let mail = try #require(
                try await server.services.database.read { db in
                    try EmailMessage.order(Column("id").desc).fetchOne(db)
                })
            #expect(mail.recipient == "office@ashfarm.example")
            #expect(mail.subject == "Invoice \(number) from Celle Repro Lab")
            let page = String(decoding: try #require(mail.attachments.first?.content), as: UTF8.self)
            // Self-contained: its own styles, nothing fetched from LabBox.
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<style>") && page.contains("119.00"))
            #expect(!page.contains("/static/") && !page.contains("<script"))
            #expect(
                try await server.auditEvents().contains {
                    $0.action == "email" && $0.entityType == "invoice" && $0.entityId == String(draftID)
                })

            let parsed = try await Self.parse(SMTPClient.content(of: mail, from: "billing@lab.example"))
            #expect(parsed["content_type"] as? String == "multipart/mixed")
            #expect((parsed["defects"] as? [Any])?.isEmpty == true)
            let parts = try #require(parsed["parts"] as? [[String: Any]])
            #expect(
                parts.map { $0["content_type"] as? String } == [
                    "text/plain", "text/html", "text/html", "application/xml",
                ])
            #expect((parts[0]["text"] as? String)?.contains("Please pay by") == true)
            #expect((parts[1]["text"] as? String)?.contains("<strong>\(number)</strong>") == true)
            #expect(parts[2]["filename"] as? String == "\(number).html" && parts[2]["text"] as? String == page)
            #expect(parts[3]["filename"] as? String == "\(number).xml")
            #expect(parts[3]["disposition"] as? String == "attachment")
            let xml = try #require(Data(base64Encoded: parts[3]["base64"] as? String ?? ""))
            #expect(String(decoding: xml, as: UTF8.self).contains("<ram:ID>\(number)</ram:ID>"))

            let browser = try await client.sendForm("/billing/invoices/\(draftID)/email", session: director, [:])
            #expect(browser.headers[.location] == "/billing/invoices/\(draftID)")
            #expect(try await server.services.database.read { db in try EmailMessage.fetchCount(db) } == 2)
        }
    }

    /// A plain message stays a single text part.
    @Test func aMessageWithoutHTMLOrAttachmentsStaysPlainText() async throws {
        let message = EmailMessage(
            recipient: "a@b.example", subject: "Hi", body: ".dot\nline", state: .queued, attempts: 0,
            nextAttemptAt: Date(), createdAt: Date())
        let parsed = try await Self.parse(SMTPClient.content(of: message, from: "x@lab.example"))
        #expect(parsed["content_type"] as? String == "text/plain")
        let text = (parsed["parts"] as? [[String: Any]])?.first?["text"] as? String
        #expect(text?.hasPrefix(".dot\n") == true || text?.hasPrefix(".dot\r\n") == true)
    }

    /// `Tests/support/mime_parts.py`: Python's email package reads what SMTP would carry.
    static func parse(_ content: String) async throws -> [String: Any] {
        let file = NSTemporaryDirectory() + "labbox-mime-\(UUID().uuidString).eml"
        try content.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let python = ProcessInfo.processInfo.environment["LABBOX_TEST_PYTHON"] ?? "/usr/bin/python3"
        let script = packageRoot.appendingPathComponent("Tests/support/mime_parts.py").path
        let result = try await LabBoxProcess.run([script, file], binary: python)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }
}
