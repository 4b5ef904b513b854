import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Results
import Testing

/// Verified results reach the customer: the report attached, or a link that needs no account,
/// expires, can be revoked, and records every opening.
@Suite struct ResultsDeliveryTests {
    static let publicURL = "https://labbox.clinic.example"

    /// A P4 order for a customer with `delivery` as preference, entered and verified; its id.
    private func verifiedOrder(
        _ server: TestServer, _ client: some TestClientProtocol, delivery: String, verify: Bool = true
    ) async throws -> Int {
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(["results:read", "results:write", "customers:write", "samples:write"])
        _ = try await client.postJSON(
            "/api/v1/lab-tests", auth: admin,
            [
                "code": "P4", "name": "Progesterone", "sample_kinds": ["blood"], "unit": "ng/mL",
                "method": "ELISA", "price_cents": 1500, "ranges": [["species": "bovine", "low": 1, "high": 10]],
            ])
        let customer = try await client.postJSON(
            "/api/v1/customers", auth: key,
            [
                "name": "Green Farm", "contact_name": "Jo Green", "email": "jo@green.example",
                "results_delivery": delivery,
            ])
        var body = TestServer.sampleBody("BLOOD-7")
        body["kind"] = "blood"
        let sample = try await client.postJSON("/api/v1/samples", auth: key, body)
        let order = try await client.postJSON(
            "/api/v1/orders", auth: key,
            [
                "customer_id": customer["id"] as? Int ?? 0, "sample_ids": [sample["id"] as? Int ?? 0], "tests": ["P4"],
                "reference": "Herd check",
            ])
        let orderID = try #require((order["order"] as? [String: Any])?["id"] as? Int)
        let analysis = try #require((order["analyses"] as? [[String: Any]])?.first?["id"] as? Int)
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        let entered = try await client.send(
            .post, "/api/v1/analyses/\(analysis)/result", session: technician, json: ["value": 12.5])
        #expect(entered.status == .ok, "\(entered.text)")
        if verify {
            let verified = try await client.send(
                .post, "/api/v1/analyses/\(analysis)/verify", session: director,
                json: ["password": TestServer.password])
            #expect(verified.status == .ok, "\(verified.text)")
        }
        return orderID
    }

    private func outbox(_ server: TestServer) async throws -> [EmailMessage] {
        try await server.services.database.read { try EmailMessage.order(Column("id")).fetchAll($0) }
    }

    private func deliveries(_ server: TestServer, _ client: some TestClientProtocol, order: Int) async throws
        -> [[String: Any]]
    {
        let key = try await server.apiKey(["results:read"])
        let answer = try await client.send(.get, "/api/v1/orders/\(order)/deliveries", auth: key)
        #expect(answer.status == .ok)
        return try #require(try answer.json()["items"] as? [[String: Any]])
    }

    @Test func verifyingTheLastResultEmailsTheReportAttached() async throws {
        let server = try TestServer()
        try await server.test { client in
            let order = try await verifiedOrder(server, client, delivery: "")
            let mail = try #require(try await outbox(server).first)
            #expect(mail.recipient == "jo@green.example")
            #expect(mail.subject == "Results of your order #\(order) (Herd check) from LabBox laboratory")
            #expect(mail.body.contains("Hello Jo Green") && mail.body.contains("outside the reference range"))
            #expect(mail.html.contains("<strong>#\(order)</strong>"))
            let attachment = try #require(mail.attachments.first)
            #expect(attachment.filename == "results-order-\(order).html")
            let document = String(decoding: attachment.content, as: UTF8.self)
            #expect(document.hasPrefix("<!DOCTYPE html>") && document.contains("BLOOD-7") && document.contains("12.5"))
            #expect(!document.contains("/static/"))

            let items = try await deliveries(server, client, order: order)
            #expect(items.count == 1)
            #expect(items.first?["method"] as? String == "attach")
            #expect(items.first?["state"] as? String == "sent")
            let id = try #require(items.first?["id"] as? Int)
            let revoke = try await client.send(
                .post, "/api/v1/results-deliveries/\(id)/revoke", auth: try await server.apiKey(["results:write"]))
            #expect(revoke.status == .conflict)
        }
        let events = try await server.auditEvents()
        #expect(events.contains { $0.action == "results.deliver" && $0.entityType == "lab_order" })
    }

    @Test func aLinkOpensTheReportUntilRevokedAndEveryOpeningIsRecorded() async throws {
        let server = try TestServer { $0.publicURL = Self.publicURL }
        try await server.test { client in
            let order = try await verifiedOrder(server, client, delivery: "link")
            let mail = try #require(try await outbox(server).first)
            #expect(mail.attachments.isEmpty)
            let link = try #require(
                mail.body.firstMatch(of: /https:\/\/labbox\.clinic\.example(\/shared\/results\/[A-Za-z0-9_-]+)/)
                    .map { String($0.1) })
            #expect(mail.html.contains(Self.publicURL + link))

            let opened = try await client.execute(uri: link, method: .get, headers: [.userAgent: "FarmMail/2.0"])
            #expect(opened.status == .ok)
            #expect(opened.text.contains("BLOOD-7") && opened.text.contains("12.5"))
            #expect(opened.headers[.cacheControl] == "no-store")

            let director = try await server.signIn(.director)
            let page = try await client.execute(
                uri: "/results/orders/\(order)", method: .get, headers: director.headers)
            #expect(page.text.contains("FarmMail/2.0") && page.text.contains("Revoke link"))
            let id = try #require(try await deliveries(server, client, order: order).first?["id"] as? Int)
            let revoked = try await client.sendForm("/results/deliveries/\(id)/revoke", session: director, [:])
            #expect(revoked.status == .seeOther)

            let gone = try await client.execute(uri: link, method: .get, headers: [.userAgent: "FarmMail/2.0"])
            #expect(gone.status == .gone)
            #expect(gone.text.contains("withdrawn") && !gone.text.contains("BLOOD-7") && !gone.text.contains("12.5"))
            let item = try #require(try await deliveries(server, client, order: order).first)
            #expect(item["state"] as? String == "revoked")
            let accesses = try #require(item["accesses"] as? [[String: Any]])
            #expect(accesses.map { $0["outcome"] as? String } == ["revoked", "shown"])
            #expect(accesses.allSatisfy { $0["user_agent"] as? String == "FarmMail/2.0" })
            let again = try await client.send(
                .post, "/api/v1/results-deliveries/\(id)/revoke", auth: try await server.apiKey(["results:write"]))
            #expect(again.status == .conflict)
        }
        let events = try await server.auditEvents()
        #expect(events.contains { $0.action == "results.link_revoke" })
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func anExpiredOrUnknownLinkShowsNothing() async throws {
        let server = try TestServer { $0.publicURL = Self.publicURL }
        try await server.test { client in
            _ = try await verifiedOrder(server, client, delivery: "link")
            let mail = try #require(try await outbox(server).first)
            let link = try #require(mail.body.firstMatch(of: /\/shared\/results\/[A-Za-z0-9_-]+/).map { String($0.0) })
            try await server.services.database.write {
                try $0.execute(sql: "UPDATE results_deliveries SET expires_at = '2000-01-01 00:00:00.000'")
            }
            let expired = try await client.execute(uri: link, method: .get)
            #expect(expired.status == .gone)
            #expect(expired.text.contains("expired") && !expired.text.contains("BLOOD-7"))
            let unknown = try await client.execute(uri: "/shared/results/not-a-token", method: .get)
            #expect(unknown.status == .notFound)
        }
        let outcomes = try await server.services.database.read {
            try String.fetchAll($0, sql: "SELECT outcome FROM results_link_accesses")
        }
        #expect(outcomes == ["expired"])
    }

    @Test func theCustomersPreferenceDecides() async throws {
        let server = try TestServer()
        try await server.test { client in
            _ = try await verifiedOrder(server, client, delivery: "none")
            #expect(try await outbox(server).isEmpty)
            let key = try await server.apiKey(["customers:write"])
            let bad = try await client.send(
                .post, "/api/v1/customers", auth: key, json: ["name": "Odd Farm", "results_delivery": "fax"])
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.apiError()["field"] as? String == "results_delivery")
        }
    }

    /// A link needs `lab.public_url` (or a trusted host): without one the report is attached.
    @Test func withoutAPublicAddressALinkPreferenceGetsTheAttachment() async throws {
        let server = try TestServer()
        try await server.test { client in
            let order = try await verifiedOrder(server, client, delivery: "link")
            let mail = try #require(try await outbox(server).first)
            #expect(mail.attachments.map(\.filename) == ["results-order-\(order).html"])
            #expect(!mail.body.contains("/shared/results/"))
        }
    }

    @Test func nothingIsSentBeforeEveryResultIsDecided() async throws {
        let server = try TestServer()
        try await server.test { client in
            _ = try await verifiedOrder(server, client, delivery: "attach", verify: false)
            #expect(try await outbox(server).isEmpty)
        }
    }
}
