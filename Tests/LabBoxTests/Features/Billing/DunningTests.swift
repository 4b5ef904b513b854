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

/// Dunning: overdue invoices get reminders level by level, each level once, emailed to the
/// customer's billing address, with a printable letter.
@Suite struct DunningTests {
    @Test func theNextLevelFollowsTheDaysPastDueAndThePaceBetweenLevels() {
        let days = [7, 21, 35]
        let today = "2026-06-30"
        #expect(Dunning.nextLevel(daysPastDue: 6, last: nil, on: today, days: days) == nil)
        #expect(Dunning.nextLevel(daysPastDue: 7, last: nil, on: today, days: days) == 1)
        // Long overdue and never reminded: the friendly reminder first, not the final notice.
        #expect(Dunning.nextLevel(daysPastDue: 90, last: nil, on: today, days: days) == 1)
        #expect(Dunning.nextLevel(daysPastDue: 90, last: (1, "2026-06-17"), on: today, days: days) == nil)
        #expect(Dunning.nextLevel(daysPastDue: 90, last: (1, "2026-06-16"), on: today, days: days) == 2)
        #expect(Dunning.nextLevel(daysPastDue: 20, last: (1, "2026-06-01"), on: today, days: days) == nil)
        #expect(Dunning.nextLevel(daysPastDue: 90, last: (3, "2026-01-01"), on: today, days: days) == nil)
        #expect(Dunning.label(level: 1, of: 3) == "Payment reminder")
        #expect(Dunning.label(level: 2, of: 3) == "Second reminder")
        #expect(Dunning.label(level: 3, of: 3) == "Final notice")
    }

    /// A draft of the customer's unbilled work due `days` days ago, issued; its JSON.
    static func overdue(_ client: some TestClientProtocol, key: String, customer: Int, price: String, days: Int)
        async throws -> [String: Any]
    {
        _ = try await BillingFixture.charge(client, key: key, customer: customer, price: price)
        let draft = try await client.postJSON(
            "/api/v1/invoices", auth: key,
            ["customer_id": customer, "due_date": Day.adding(-days, to: Day.today) ?? ""])
        return try await client.send(.post, "/api/v1/invoices/\(draft["id"] as? Int ?? 0)/issue", auth: key).json()
    }

    @Test func overdueInvoicesAreRemindedLevelByLevelEachLevelOnce() async throws {
        let server = try TestServer { $0.billing.iban = "DE02120300000000202051" }
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        let database = server.services.database
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Late Farm")
            let recent = try await Self.overdue(client, key: key, customer: customer, price: "100", days: 10)
            let old = try await Self.overdue(client, key: key, customer: customer, price: "200", days: 40)
            _ = try await Self.overdue(client, key: key, customer: customer, price: "300", days: 3)
            func run() async throws -> [[String: Any]] {
                let response = try await client.send(.post, "/api/v1/reminders/run", auth: key)
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()["items"] as? [[String: Any]] ?? []
            }
            /// As if the reminders sent so far had gone out two weeks ago.
            func twoWeeksPass() async throws {
                try await database.write { db in
                    try db.execute(
                        sql: "UPDATE invoice_reminders SET sent_on = ?",
                        arguments: [Day.adding(-14, to: Day.today) ?? ""])
                }
            }
            try await step("the first run sends the friendly reminder of both overdue invoices, by email") {
                let sent = try await run()
                #expect(sent.map { $0["level"] as? Int } == [1, 1])
                #expect(Set(sent.compactMap { $0["invoice_id"] as? Int }) == [recent["id"] as? Int, old["id"] as? Int])
                #expect(sent.allSatisfy { $0["email"] as? String == "office@latefarm.example" })
                let mail = try await database.read { db in try EmailMessage.order(Column("id")).fetchAll(db) }
                #expect(mail.count == 2)
                #expect(mail.first?.subject.hasPrefix("Payment reminder: invoice ") == true)
                #expect(mail.first?.body.contains("DE02120300000000202051") == true)
                #expect(try await run().isEmpty)
            }
            try await step("after the levels' pace, the old invoice escalates to the final notice, then stops") {
                try await twoWeeksPass()
                #expect(try await run().map { $0["level"] as? Int } == [2])
                try await twoWeeksPass()
                let final = try await run()
                #expect(final.map { $0["title"] as? String } == ["Final notice"])
                try await twoWeeksPass()
                #expect(try await run().isEmpty)
                let levels =
                    try await client.send(
                        .get, "/api/v1/reminders?invoice_id=\(old["id"] as? Int ?? 0)", auth: key
                    ).json()["items"] as? [[String: Any]]
                #expect(levels?.compactMap { $0["level"] as? Int }.sorted() == [1, 2, 3])
                // Two pages of two: every reminder once, though all four were sent on the same day.
                let first = try await client.send(.get, "/api/v1/reminders?limit=2", auth: key).json()
                let cursor = try #require(first["next_cursor"] as? String)
                let second = try await client.send(.get, "/api/v1/reminders?limit=2&cursor=\(cursor)", auth: key)
                    .json()
                #expect(second["next_cursor"] is NSNull)
                let paged = [first, second].flatMap {
                    ($0["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                }
                #expect(paged.count == 4 && Set(paged).count == 4)
                // The table itself refuses a level twice.
                let oldID = old["id"] as? Int ?? 0
                await #expect(throws: (any Error).self) {
                    try await database.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO invoice_reminders (invoice_id, level, sent_on, days_past_due, open_minor, created_at)
                                VALUES (?, 1, '2026-01-01', 1, 1, '2026-01-01T00:00:00Z')
                                """, arguments: [oldID])
                    }
                }
                let letter = try await client.send(
                    .get, "/billing/reminders/\(final.first?["id"] as? Int ?? 0)/print?paper=letter", session: director)
                #expect(letter.status == .ok)
                #expect(letter.text.contains("Final notice") && letter.text.contains("paper-letter"))
                #expect(letter.text.contains(old["number"] as? String ?? "?"))
                let list = try await client.send(.get, "/billing/reminders", session: director)
                #expect(list.text.contains("Second reminder"))
            }
            try await step("a paid invoice is not reminded; every reminder is in the audit trail") {
                let paid = try await Self.overdue(client, key: key, customer: customer, price: "50", days: 40)
                let amount = try #require(paid["gross"] as? String)
                _ = try await client.postJSON(
                    "/api/v1/payments", auth: key,
                    [
                        "customer_id": customer, "amount": amount,
                        "allocations": [["invoice_id": paid["id"] as? Int ?? 0, "amount": amount]],
                    ])
                #expect(try await run().isEmpty)
                #expect(try await server.auditEvents().filter { $0.action == "remind" }.count == 4)
            }
        }
    }
}
