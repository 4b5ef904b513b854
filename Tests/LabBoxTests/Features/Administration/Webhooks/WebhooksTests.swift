import Administration
import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Synchronization
import Testing

/// A receiving system: a Hummingbird server on a free loopback port that records every POST to
/// `/hooks/lab` and answers it with the next of `statuses`, then 200.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let headers: HTTPFields
        let body: String
    }

    private let state: Mutex<(received: [Received], statuses: [Int])>

    init(statuses: [Int] = []) { state = Mutex(([], statuses)) }

    var received: [Received] { state.withLock { $0.received } }

    /// Runs `body` with the receiver listening on the port it is given.
    func serve<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hooks/lab") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = self.state.withLock { state in
                state.received.append(Received(headers: request.headers, body: String(buffer: bytes)))
                return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
            }
            return Response(
                status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: "status \(status)")))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body(try #require(client.port)) }
    }
}

@Suite struct WebhooksTests {
    /// Adds an endpoint through the API; its id and secret.
    private func addEndpoint(
        _ client: some TestClientProtocol, auth: String, url: String, events: [String]
    ) async throws -> (id: Int, secret: String) {
        let created = try await client.postJSON(
            "/api/v1/webhooks", auth: auth, ["name": "Practice system", "url": url, "events": events])
        return (try #require(created["id"] as? Int), try #require(created["secret"] as? String))
    }

    private func sender(_ server: TestServer) -> WebhookSender {
        WebhookSender(database: server.services.database, retryBase: .zero)
    }

    @Test func subscribedEventsArriveSignedAndOthersAreNotSent() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let receiver = WebhookReceiver()
        try await receiver.serve { port in
            let (endpoint, secret, sampleID) = try await server.test { client in
                // Before the endpoint exists: not sent.
                _ = try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Earlier Farm"])
                let (endpoint, secret) = try await addEndpoint(
                    client, auth: admin, url: "http://127.0.0.1:\(port)/hooks/lab",
                    events: ["sample.status_changed", "customer.created"])
                _ = try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Green Farm"])
                // A new sample and an animal: events nobody subscribed to.
                let sampleID = try await client.newSample(auth: admin)
                _ = try await client.newAnimal(auth: admin, name: "Bella")
                let moved = try await client.send(
                    .patch, "/api/v1/samples/\(sampleID)", auth: admin,
                    json: ["status": "in_process", "reason": "thawed for testing"])
                #expect(moved.status == .ok, "\(moved.text)")
                return (endpoint, secret, sampleID)
            }
            #expect(try await sender(server).dispatch() == 2)
            #expect(try await sender(server).deliverDue() == 2)

            // Both are posted at once, so they may arrive in either order.
            let received = receiver.received.sorted {
                ($0.headers[HTTPField.Name("X-LabBox-Event")!] ?? "")
                    < ($1.headers[HTTPField.Name("X-LabBox-Event")!] ?? "")
            }
            #expect(
                received.map { $0.headers[HTTPField.Name("X-LabBox-Event")!] } == [
                    "customer.created", "sample.status_changed",
                ])
            for delivery in received {
                let timestamp = try #require(delivery.headers[HTTPField.Name("X-LabBox-Timestamp")!])
                var mac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
                mac.update(data: Data("\(timestamp).\(delivery.body)".utf8))
                #expect(
                    delivery.headers[HTTPField.Name("X-LabBox-Signature")!]
                        == "sha256=" + Data(mac.finalize()).map { String(format: "%02x", $0) }.joined())
                #expect(delivery.headers[.contentType] == "application/json")
                #expect(Int(delivery.headers[HTTPField.Name("X-LabBox-Delivery")!] ?? "") != nil)
            }
            let moved = try #require(
                JSONSerialization.jsonObject(with: Data(received[1].body.utf8)) as? [String: Any])
            #expect(moved["type"] as? String == "sample.status_changed")
            #expect((moved["id"] as? String)?.hasPrefix("evt_") == true)
            let entity = try #require(moved["entity"] as? [String: Any])
            #expect(entity["type"] as? String == "sample" && entity["id"] as? Int == sampleID)
            let data = try #require(moved["data"] as? [String: Any])
            #expect(data["status"] as? String == "in_process")
            #expect(data["previous_status"] as? String == "received")
            #expect(data["notes"] == nil, "only the documented fields are sent")
            let created = try #require(
                JSONSerialization.jsonObject(with: Data(received[0].body.utf8)) as? [String: Any])
            #expect((created["data"] as? [String: Any])?["name"] as? String == "Green Farm")

            try await server.test { client in
                let log = try await client.send(.get, "/api/v1/webhooks/\(endpoint)/deliveries", auth: admin).json()
                let items = try #require(log["items"] as? [[String: Any]])
                #expect(items.map { $0["state"] as? String } == ["succeeded", "succeeded"])
                #expect(items.allSatisfy { $0["response_code"] as? Int == 200 && $0["attempts"] as? Int == 1 })
                #expect(items.first?["response_body"] as? String == "status 200")
            }
            // Caught up: nothing more to queue or send.
            #expect(try await sender(server).dispatch() == 0)
            #expect(try await sender(server).deliverDue() == 0)
        }
    }

    /// With no endpoint, a backlog of more than one batch (after an import) is passed in one step.
    @Test func withoutSubscribersTheCursorJumpsToTheHead() async throws {
        let server = try TestServer()
        let database = server.services.database
        try await database.write(.server) { write in
            for index in 0..<1_001 {  // two batches of 500 and one more
                try write.log("sample.created", entityType: "sample", entityID: String(index))
            }
        }
        let moves = CursorMoves()
        database.pool.add(transactionObserver: moves)
        #expect(try await sender(server).dispatch() == 0)
        #expect(moves.count.load(ordering: .relaxed) == 1)
        let (cursor, head) = try await database.read { db in
            (
                try Int64.fetchOne(db, sql: "SELECT audit_seq FROM webhook_cursor"),
                try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_events")
            )
        }
        #expect(cursor == head)
    }

    /// Counts the updates of `webhook_cursor`: one per batch the sender writes.
    private final class CursorMoves: TransactionObserver, Sendable {
        let count = Atomic<Int>(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "webhook_cursor" }
        func databaseDidChange(with event: DatabaseEvent) { count.add(1, ordering: .relaxed) }
        func databaseDidCommit(_ db: Database) {}
        func databaseDidRollback(_ db: Database) {}
    }

    @Test func failuresAreRetriedWithBackoffThenGiveUpAndCanBeRedelivered() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let receiver = WebhookReceiver(statuses: [500, 503, 200, 410])
        try await receiver.serve { port in
            let endpoint = try await server.test { client in
                let (endpoint, _) = try await addEndpoint(
                    client, auth: admin, url: "http://127.0.0.1:\(port)/hooks/lab", events: ["customer.created"])
                _ = try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Retry Farm"])
                return endpoint
            }
            try await sender(server).dispatch()
            for _ in 0..<3 { try await sender(server).deliverDue() }
            #expect(receiver.received.count == 3)
            let ids = Set(receiver.received.compactMap { $0.headers[HTTPField.Name("X-LabBox-Delivery")!] })
            #expect(ids.count == 1, "every attempt is the same delivery")
            #expect(Set(receiver.received.map(\.body)).count == 1)
            var delivery = try #require(try await deliveries(server).first)
            #expect(delivery.state == .succeeded && delivery.attempts == 3 && delivery.responseCode == 200)

            // A wait that doubles: with a base of a minute, the second failure waits two.
            let slow = WebhookSender(database: server.services.database, retryBase: .seconds(60))
            try await server.test { client in
                _ = try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Gone Farm"])
            }
            try await slow.dispatch()
            try await slow.deliverDue()  // 410: not retried
            delivery = try #require(try await deliveries(server).first)
            #expect(delivery.state == .failed && delivery.attempts == 1 && delivery.error == "answered 410")

            // No receiver at all: retried, later each time, then given up.
            try await server.test { client in
                let moved = try await client.send(
                    .patch, "/api/v1/webhooks/\(endpoint)", auth: admin, json: ["url": "http://127.0.0.1:9/hooks"])
                #expect(moved.status == .ok)
                _ = try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Offline Farm"])
            }
            try await slow.dispatch()
            try await slow.deliverDue()
            delivery = try #require(try await deliveries(server).first)
            #expect(delivery.state == .pending && !delivery.error.isEmpty && delivery.responseCode == nil)
            #expect(delivery.nextAttemptAt > Date().addingTimeInterval(50))
            let offline = delivery.id
            try await server.services.database.write {
                try $0.execute(
                    sql: "UPDATE webhook_deliveries SET attempts = 1, next_attempt_at = ? WHERE id = ?",
                    arguments: [Date(), offline])
            }
            try await slow.deliverDue()
            delivery = try #require(try await deliveries(server).first)
            #expect(delivery.nextAttemptAt > Date().addingTimeInterval(110))
            for _ in 0..<WebhookSender.maxAttempts {
                try await server.services.database.write {
                    try $0.execute(
                        sql: "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE state = 'pending'",
                        arguments: [Date()])
                }
                try await slow.deliverDue()
            }
            let failed = try #require(try await deliveries(server).first)
            #expect(failed.state == .failed && failed.attempts == WebhookSender.maxAttempts)

            try await server.test { client in
                let again = try await client.postJSON(
                    "/api/v1/webhook-deliveries/\(failed.id ?? 0)/redeliver", auth: admin, [:], expect: .accepted)
                #expect(again["redelivery_of"] as? Int == Int(failed.id ?? 0))
                #expect(again["event_id"] as? String == failed.eventId)
                #expect(again["state"] as? String == "pending")
            }
        }
    }

    @Test func badEndpointsAreRefusedAndSecretsStaySealed() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            for (body, field) in [
                (["name": "x", "url": "ftp://pms.example/in", "events": ["invoice.issued"]], "url"),
                (["name": "x", "url": "https://user:pw@pms.example/in", "events": ["invoice.issued"]], "url"),
                (
                    [
                        "name": "x", "url": "https://pms.example/" + String(repeating: "a", count: 2000),
                        "events": ["invoice.issued"],
                    ], "url"
                ),
                (["name": "x", "url": "https://pms.example/in", "events": ["invoice.paid"]], "events"),
                (["name": "x", "url": "https://pms.example/in", "events": [String]()], "events"),
                (["name": " ", "url": "https://pms.example/in", "events": ["invoice.issued"]], "name"),
            ] as [([String: Any], String)] {
                let refused = try await client.send(.post, "/api/v1/webhooks", auth: admin, json: body)
                #expect(refused.status == .unprocessableContent, "\(body)")
                #expect(try refused.apiError()["field"] as? String == field, "\(body)")
            }
            let list = try await client.send(.get, "/api/v1/webhooks", auth: admin).json()
            #expect((list["items"] as? [Any])?.isEmpty == true)

            let (id, secret) = try await addEndpoint(
                client, auth: admin, url: "https://pms.example/in", events: ["invoice.issued", "result.verified"])
            #expect(secret.hasPrefix("whsec_"))
            let shown = try await client.send(.get, "/api/v1/webhooks/\(id)", auth: admin)
            #expect(shown.status == .ok && !shown.text.contains(secret) && !shown.text.contains("\"secret\""))
            #expect(try shown.json()["events"] as? [String] == ["result.verified", "invoice.issued"])
            let rotated = try await client.postJSON("/api/v1/webhooks/\(id)/secret", auth: admin, [:], expect: .ok)
            let newSecret = try #require(rotated["secret"] as? String)
            #expect(newSecret != secret)
            let stored = try #require(
                try await server.services.database.read { try WebhookEndpoint.fetchOne($0, key: Int64(id)) })
            #expect(SecretBox.isSealed(stored.secret) && !stored.secret.contains(newSecret))
            #expect(
                server.services.database.secrets.open(stored.secret, context: WebhookEndpoint.secretContext(Int64(id)))
                    == newSecret)
            let trail = try await server.auditEvents().map { "\($0.before ?? "") \($0.after ?? "")" }.joined()
            #expect(!trail.contains(secret) && !trail.contains(newSecret) && !trail.contains("v1."))

            // A disabled endpoint takes no test event.
            _ = try await client.send(.patch, "/api/v1/webhooks/\(id)", auth: admin, json: ["enabled": false])
            let test = try await client.send(.post, "/api/v1/webhooks/\(id)/test", auth: admin)
            #expect(test.status == .conflict)
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func adminsManageEndpointsOnTheirPages() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            #expect(try await client.send(.get, "/admin/webhooks", session: technician).status == .forbidden)
            let refused = try await client.sendForm(
                "/admin/webhooks", session: admin, ["name": "PMS", "url": "mailto:x@y.example", "events[]": "ping"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("webhook-error"))
            let created = try await client.sendForm(
                "/admin/webhooks", session: admin,
                ["name": "PMS", "url": "http://127.0.0.1:9/in", "events[]": "invoice.issued"])
            #expect(created.status == .ok)
            let secret = try #require(created.text.firstMatch(of: /id="webhook-secret">(whsec_[A-Za-z0-9_-]+)</)?.1)
            let endpoint = try #require(try await server.services.database.read { try WebhookEndpoint.fetchOne($0) })
            let page = try await client.send(.get, "/admin/webhooks/\(endpoint.id ?? 0)", session: admin)
            #expect(page.status == .ok && page.text.contains("invoice.issued") && !page.text.contains(String(secret)))
            let tested = try await client.sendForm("/admin/webhooks/\(endpoint.id ?? 0)/test", session: admin, [:])
            #expect(tested.status == .seeOther)
            let log = try await client.send(.get, "/admin/webhooks/\(endpoint.id ?? 0)", session: admin).text
            #expect(log.contains("delivery-log") && log.contains("ping_"))
        }
    }

    private func deliveries(_ server: TestServer) async throws -> [WebhookDelivery] {
        try await server.services.database.read { try WebhookDelivery.order(Column("id").desc).fetchAll($0) }
    }
}
