import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// A customer's work flows from the record to a charge, an invoice, a payment and the aging report.
@Suite struct BillingTests {
    @Test func workFlowsFromTheRecordToAChargeAnInvoiceAPaymentAndTheAgingReport() async throws {
        let server = try TestServer { $0.billing.iban = "DE02120300000000202051" }
        let key = try await server.apiKey(BillingFixture.scopes)
        let admin = try await server.apiKey(["admin"])
        let director = try await server.signIn(.director)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Green Farm", vatID: "DE123456789")
            let invoiceID = try await step("verified tests and an OPU session become charges, once") {
                _ = try await client.postJSON(
                    "/api/v1/lab-tests", auth: admin,
                    [
                        "code": "P4", "name": "Progesterone", "sample_kinds": ["blood"], "unit": "ng/mL",
                        "price_cents": 1500,
                    ])
                var body = TestServer.sampleBody("BLOOD-1")
                body["kind"] = "blood"
                let sample = try #require(try await client.postJSON("/api/v1/samples", auth: key, body)["id"] as? Int)
                let order = try await client.postJSON(
                    "/api/v1/orders", auth: key, ["customer_id": customer, "sample_ids": [sample], "tests": ["P4"]])
                let analysis = try #require((order["analyses"] as? [[String: Any]])?.first?["id"] as? Int)
                _ = try await client.send(.post, "/api/v1/analyses/\(analysis)/result", auth: key, json: ["value": 4])
                let verified = try await client.send(
                    .post, "/api/v1/analyses/\(analysis)/verify", session: director,
                    json: ["password": TestServer.password])
                #expect(try verified.json()["state"] as? String == "verified")
                let donor = try await client.postJSON(
                    "/api/v1/animals", auth: key,
                    ["species": "bovine", "name": "Bella", "sex": "female", "owner_id": customer])
                _ = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key,
                    ["donor_id": donor["id"] as? Int ?? 0, "follicles": 10, "oocytes": 8])

                _ = try await BillingFixture.service(client, key: key, code: "LAB-P4", price: "15", work: "lab_test:P4")
                let opu = try await BillingFixture.service(
                    client, key: key, code: "OPU", price: "80.5", work: "opu_session")
                // The customer's own price wins over the list's; tomorrow's list price is not today's.
                _ = try await client.postJSON(
                    "/api/v1/services/\(opu)/prices", auth: key,
                    ["unit_price": "75", "valid_from": "2020-01-01", "customer_id": customer])
                _ = try await client.postJSON(
                    "/api/v1/services/\(opu)/prices", auth: key,
                    ["unit_price": "99", "valid_from": Day.adding(1, to: Day.today) ?? ""])

                let unbilled = try await client.send(.get, "/api/v1/charges/unbilled", auth: key).json()
                let row = try #require((unbilled["items"] as? [[String: Any]])?.first)
                #expect(row["charges"] as? Int == 2)
                #expect(row["net"] as? String == "90.00")
                let again = try await client.send(.post, "/api/v1/charges/capture", auth: key).json()
                #expect(again["captured"] as? Int == 0)
                // Work by hand: 2.5 hours at 40.125, reduced VAT.
                _ = try await client.postJSON(
                    "/api/v1/charges", auth: key,
                    [
                        "customer_id": customer, "description": "Herd consultation", "quantity": "2.5",
                        "unit": "hour", "unit_price": "40.125", "vat_category": "S", "vat_rate": "7",
                    ])
                let charges =
                    try await client.send(
                        .get, "/api/v1/charges?customer_id=\(customer)&unbilled=true", auth: key
                    ).json()["items"] as? [[String: Any]]
                #expect(charges?.compactMap { $0["source_key"] as? String }.sorted().count == 2)
                let draft = try await client.postJSON(
                    "/api/v1/invoices", auth: key, ["customer_id": customer, "purchase_order": "PO-4711"])
                #expect(draft["state"] as? String == "draft")
                #expect(draft["number"] == nil)
                return try #require(draft["id"] as? Int)
            }
            try await step("issue: number, frozen totals per VAT rate, hash in the audit trail") {
                let issued = try await client.send(.post, "/api/v1/invoices/\(invoiceID)/issue", auth: key).json()
                let year = Day.today.prefix(4)
                #expect(issued["number"] as? String == "\(year)-000001")
                #expect(issued["net"] as? String == "190.31")  // 15 + 75 + 100.3125 rounded once
                #expect(issued["vat_total"] as? String == "24.12")  // 90 × 19 % + 100.31 × 7 % (7.0217)
                #expect(issued["gross"] as? String == "214.43")
                #expect((issued["vat"] as? [[String: Any]])?.count == 2)
                #expect((issued["buyer"] as? [String: Any])?["vat_id"] as? String == "DE123456789")
                #expect(issued["purchase_order"] as? String == "PO-4711")
                let hash = try #require(issued["document_sha256"] as? String)
                #expect(hash.count == 64)
                let event = try await server.auditEvents().last { $0.action == "issue" }
                #expect(event?.after?.contains(hash) == true)
                #expect(issued["due_date"] as? String == Day.adding(30, to: Day.today))
            }
            try await step("an issued invoice never changes") {
                let patch = try await client.send(
                    .patch, "/api/v1/invoices/\(invoiceID)", auth: key, json: ["purchase_order": "changed"])
                #expect(patch.status == .conflict)
                let delete = try await client.send(.delete, "/api/v1/invoices/\(invoiceID)", auth: key)
                #expect(delete.status == .conflict)
                let unbilled = try await client.send(.get, "/api/v1/charges/unbilled", auth: key).json()
                #expect((unbilled["items"] as? [Any])?.isEmpty == true)
            }
            try await step("payments: partial, never beyond what is open, the rest is credit") {
                let first = try await client.postJSON(
                    "/api/v1/payments", auth: key,
                    [
                        "customer_id": customer, "amount": "100", "reference": "2026-000001",
                        "allocations": [["invoice_id": invoiceID, "amount": "100"]],
                    ])
                #expect(first["unallocated"] as? String == "0.00")
                let partly = try await client.send(.get, "/api/v1/invoices/\(invoiceID)", auth: key).json()
                #expect(partly["status"] as? String == "partly_paid")
                #expect(partly["open"] as? String == "114.43")
                let payments = try await server.services.database.read {
                    try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM payments")
                }
                let tooMuch = try await client.send(
                    .post, "/api/v1/payments", auth: key,
                    json: [
                        "customer_id": customer, "amount": "200",
                        "allocations": [["invoice_id": invoiceID, "amount": "114.44"]],
                    ])
                #expect(tooMuch.status == .unprocessableContent)
                #expect(try tooMuch.apiError()["field"] as? String == "allocations.0.amount")
                let after = try await server.services.database.read {
                    try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM payments")
                }
                #expect(after == payments)
                let second = try await client.postJSON(
                    "/api/v1/payments", auth: key, ["customer_id": customer, "amount": "200", "method": "cash"])
                let paymentID = try #require(second["id"] as? Int)
                let allocated = try await client.send(
                    .post, "/api/v1/payments/\(paymentID)/allocations", auth: key,
                    json: ["allocations": [["invoice_id": invoiceID, "amount": "114.43"]]])
                #expect(try allocated.json()["unallocated"] as? String == "85.57")
                let paid = try await client.send(.get, "/api/v1/invoices/\(invoiceID)", auth: key).json()
                #expect(paid["status"] as? String == "paid")
                let aging = try await client.send(.get, "/api/v1/receivables/aging", auth: key).json()
                #expect((aging["customers"] as? [Any])?.isEmpty == true)
            }
            try await step("a credit note reverses part of it and refers to it") {
                let invoice = try await client.send(.get, "/api/v1/invoices/\(invoiceID)", auth: key).json()
                let line = try #require((invoice["lines"] as? [[String: Any]])?.last?["id"] as? Int)
                let missing = try await client.send(
                    .post, "/api/v1/invoices/\(invoiceID)/credit-notes", auth: key, json: ["lines": [["line_id": line]]]
                )
                #expect(try missing.apiError()["field"] as? String == "reason")
                let note = try await client.postJSON(
                    "/api/v1/invoices/\(invoiceID)/credit-notes", auth: key,
                    ["reason": "one hour too many", "lines": [["line_id": line, "quantity": "1"]]])
                #expect(note["number"] as? String == "CN-\(Day.today.prefix(4))-000001")
                #expect(note["corrects_number"] as? String == "\(Day.today.prefix(4))-000001")
                #expect(note["gross"] as? String == "-42.94")  // −40.13 − 2.81 VAT
                let tooMuch = try await client.send(
                    .post, "/api/v1/invoices/\(invoiceID)/credit-notes", auth: key,
                    json: ["reason": "again", "lines": [["line_id": line, "quantity": "2"]]])
                #expect(try tooMuch.apiError()["field"] as? String == "lines.0.quantity")
            }
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func aFullCreditNoteNetsTheInvoiceToZeroAndVoidingReleasesTheWork() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(BillingFixture.scopes)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Meadow Stud")
            for (price, quantity, rate) in [("12.345", "3", "19"), ("0.125", "31", "7"), ("99.99", "1.5", "0")] {
                _ = try await BillingFixture.charge(
                    client, key: key, customer: customer, price: price, quantity: quantity, rate: rate)
            }
            let invoice = try await BillingFixture.issued(client, key: key, customer: customer)
            let id = try #require(invoice["id"] as? Int)
            let note = try await client.postJSON(
                "/api/v1/invoices/\(id)/credit-notes", auth: key, ["reason": "wrong customer"])
            #expect(note["gross"] as? String == "-" + (invoice["gross"] as? String ?? ""))
            #expect(note["vat_total"] as? String == "-" + (invoice["vat_total"] as? String ?? ""))
            let credited = try await client.send(.get, "/api/v1/invoices/\(id)", auth: key).json()
            #expect(credited["open"] as? String == "0.00")
            #expect(credited["status"] as? String == "paid")
            let again = try await client.send(
                .post, "/api/v1/invoices/\(id)/credit-notes", auth: key, json: ["reason": "again"])
            #expect(again.status == .conflict)
            let void = try await client.send(.post, "/api/v1/invoices/\(id)/void", auth: key, json: ["reason": "x"])
            #expect(void.status == .conflict)

            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "50")
            let second = try await BillingFixture.issued(client, key: key, customer: customer)
            let secondID = try #require(second["id"] as? Int)
            let noReason = try await client.send(.post, "/api/v1/invoices/\(secondID)/void", auth: key, json: [:])
            #expect(try noReason.apiError()["field"] as? String == "reason")
            let voided = try await client.postJSON(
                "/api/v1/invoices/\(secondID)/void", auth: key, ["reason": "sent twice"], expect: .ok)
            #expect(voided["state"] as? String == "void")
            #expect(voided["number"] as? String == second["number"] as? String)
            let unbilled =
                try await client.send(
                    .get, "/api/v1/charges?customer_id=\(customer)&unbilled=true", auth: key
                ).json()["items"] as? [Any]
            #expect(unbilled?.count == 1)
            let payVoid = try await client.send(
                .post, "/api/v1/payments", auth: key,
                json: [
                    "customer_id": customer, "amount": "50", "allocations": [["invoice_id": secondID, "amount": "50"]],
                ])
            #expect(payVoid.status == .conflict)
            #expect(try payVoid.apiError()["field"] as? String == "allocations.0.invoice_id")
            let payments = try await client.send(.get, "/api/v1/payments?customer_id=\(customer)", auth: key).json()
            #expect((payments["items"] as? [Any])?.isEmpty == true)
            // The next invoice takes the next number: the void one's is never reused.
            let third = try await BillingFixture.issued(client, key: key, customer: customer)
            #expect(third["number"] as? String == "\(Day.today.prefix(4))-000003")
        }
    }

    @Test func concurrentIssuersNeverShareANumberOrLeaveAGap() async throws {
        let server = try TestServer {
            $0.requestsPerSecond = 10_000
            $0.requestBurst = 10_000
        }
        let key = try await server.apiKey(BillingFixture.scopes)
        try await server.test { client in
            var drafts: [Int] = []
            for index in 0..<12 {
                let customer = try await BillingFixture.customer(client, key: key, name: "Farm \(index)")
                _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "10")
                let draft = try await client.postJSON("/api/v1/invoices", auth: key, ["customer_id": customer])
                drafts.append(try #require(draft["id"] as? Int))
            }
            // Each draft issued by two people at once: one wins, the other is told it is issued.
            let outcomes = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for id in drafts + drafts {
                    group.addTask {
                        let response = try await client.send(.post, "/api/v1/invoices/\(id)/issue", auth: key)
                        return (Int(response.status.code), try? response.json()["number"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.0 == 200 }.count == drafts.count)
            #expect(outcomes.filter { $0.0 == 409 }.count == drafts.count)
            let numbers = outcomes.compactMap(\.1).sorted()
            let year = Day.today.prefix(4)
            #expect(numbers == (1...drafts.count).map { "\(year)-" + String(format: "%06d", $0) })
        }
    }

    /// Allocations of random amounts from random payments to random invoices: a model of what
    /// each invoice owes and each payment has left predicts every answer (200, or 422 naming the
    /// amount), and in the end no invoice has received more than its gross amount.
    @Test(arguments: 0..<3) func allocationsNeverExceedWhatAnInvoiceOwesOrAPaymentHasLeft(seed: UInt64) async throws {
        let server = try TestServer {
            $0.requestsPerSecond = 10_000
            $0.requestBurst = 10_000
        }
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            var generator = MoneyTests.Generator(state: seed)
            func cents(_ text: Any?) -> Int {
                Int((text as? String ?? "").replacingOccurrences(of: ".", with: "")) ?? -1
            }
            func text(_ cents: Int) -> String { "\(cents / 100)." + (cents % 100 < 10 ? "0" : "") + "\(cents % 100)" }
            let customer = try await BillingFixture.customer(client, key: key, name: "Elm Farm")
            var owed: [Int: Int] = [:]
            for _ in 0..<3 {
                let price = text(Int.random(in: 1...20_000, using: &generator))
                _ = try await BillingFixture.charge(client, key: key, customer: customer, price: price, rate: "0")
                let invoice = try await BillingFixture.issued(client, key: key, customer: customer)
                owed[try #require(invoice["id"] as? Int)] = cents(invoice["gross"])
            }
            let gross = owed
            var left: [Int: Int] = [:]
            for _ in 0..<2 {
                let amount = Int.random(in: 1...30_000, using: &generator)
                let payment = try await client.postJSON(
                    "/api/v1/payments", auth: key, ["customer_id": customer, "amount": text(amount)])
                left[try #require(payment["id"] as? Int)] = amount
            }
            for _ in 0..<25 {
                let (invoice, payment) = (
                    owed.keys.randomElement(using: &generator)!, left.keys.randomElement(using: &generator)!
                )
                let amount = Int.random(in: 1...max(1, min(owed[invoice]!, left[payment]!) * 3 / 2), using: &generator)
                let response = try await client.send(
                    .post, "/api/v1/payments/\(payment)/allocations", auth: key,
                    json: ["allocations": [["invoice_id": invoice, "amount": text(amount)]]])
                if amount <= owed[invoice]! && amount <= left[payment]! {
                    #expect(response.status == .ok, "\(response.text)")
                    owed[invoice]! -= amount
                    left[payment]! -= amount
                } else {
                    #expect(response.status == .unprocessableContent, "\(response.text)")
                    #expect(try response.apiError()["field"] as? String == "allocations.0.amount")
                }
            }
            for (invoice, total) in gross {
                let json = try await client.send(.get, "/api/v1/invoices/\(invoice)", auth: key).json()
                #expect(cents(json["open"]) == owed[invoice] && owed[invoice]! >= 0 && owed[invoice]! <= total)
            }
            // The payments one to a page: each once, with what is left of it.
            let first = try await client.send(.get, "/api/v1/payments?customer_id=\(customer)&limit=1", auth: key)
                .json()
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.send(
                .get, "/api/v1/payments?customer_id=\(customer)&limit=1&cursor=\(cursor)", auth: key
            ).json()
            #expect(second["next_cursor"] is NSNull)
            let paged = [first, second].flatMap { $0["items"] as? [[String: Any]] ?? [] }
            #expect(Dictionary(paged.map { ($0["id"] as? Int ?? 0, cents($0["unallocated"])) }) { a, _ in a } == left)
            // The customer's credit is what is left of both.
            let page = try await client.send(.get, "/billing/customers/\(customer)", session: director).text
            #expect(page.contains("Customer credit (payments not allocated): \(text(left.values.reduce(0, +)))"))
        }
    }

    @Test func agingBucketsWhatIsOpenByDaysPastDueAsOfADay() async throws {
        let server = try TestServer { $0.billing.paymentDays = 30 }
        let key = try await server.apiKey(BillingFixture.scopes)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Hill \"Farm\"")
            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "100", rate: "0")
            let invoice = try await BillingFixture.issued(client, key: key, customer: customer)
            _ = try await client.postJSON(
                "/api/v1/payments", auth: key,
                [
                    "customer_id": customer, "amount": "40",
                    "allocations": [["invoice_id": invoice["id"] as? Int ?? 0, "amount": "40"]],
                ])
            func aging(_ days: Int) async throws -> [String: Any]? {
                let day = Day.adding(days, to: Day.today) ?? ""
                let report = try await client.send(.get, "/api/v1/receivables/aging?as_of=\(day)", auth: key).json()
                return report["totals"] as? [String: Any]
            }
            #expect(try await aging(0)?["current"] as? String == "60.00")
            // The report is written as bytes: each customer's row as the schema has it.
            let report = try await client.send(.get, "/api/v1/receivables/aging", auth: key).json()
            #expect(report["as_of"] as? String == Day.today)
            #expect(report["currency"] as? String == "EUR")
            let row = try #require((report["customers"] as? [[String: Any]])?.first)
            #expect(row["customer_id"] as? Int == customer)
            #expect(row["customer_name"] as? String == "Hill \"Farm\"")
            let amounts = try #require(row["amounts"] as? [String: String])
            #expect(
                amounts == [
                    "current": "60.00", "days_1_30": "0.00", "days_31_60": "0.00", "days_61_90": "0.00",
                    "over_90": "0.00", "total": "60.00",
                ])
            #expect(try await aging(45)?["days_1_30"] as? String == "60.00")
            #expect(try await aging(75)?["days_31_60"] as? String == "60.00")
            #expect(try await aging(110)?["days_61_90"] as? String == "60.00")
            #expect(try await aging(121)?["over_90"] as? String == "60.00")
            #expect(try await aging(121)?["total"] as? String == "60.00")
            // Before the invoice was issued nothing was owed.
            #expect(try await aging(-1)?["total"] as? String == "0.00")
            let bad = try await client.send(.get, "/api/v1/receivables/aging?as_of=yesterday", auth: key)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func badInputIsRefusedWithTheFieldAndNothingWritten() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(BillingFixture.scopes)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Lake Farm")
            let before = try await server.auditEvents().count
            let cases: [(String, [String: Any], String)] = [
                (
                    "/api/v1/services", ["code": "X", "name": "X", "unit_price": "1", "vat_category": "Q"],
                    "vat_category"
                ),
                ("/api/v1/services", ["code": "X", "name": "X", "unit_price": "1", "vat_rate": "0"], "vat_rate"),
                (
                    "/api/v1/services", ["code": "X", "name": "X", "unit_price": "1.23456", "vat_rate": "19"],
                    "unit_price"
                ),
                (
                    "/api/v1/services", ["code": "X", "name": "X", "unit_price": "1", "vat_rate": "19", "work": "x"],
                    "work"
                ),
                (
                    "/api/v1/charges",
                    [
                        "customer_id": customer, "description": "x", "quantity": "-1", "unit_price": "1",
                        "vat_rate": "19",
                    ],
                    "quantity"
                ),
                ("/api/v1/charges", ["customer_id": customer, "description": "x", "unit_price": "1"], "vat_rate"),
                ("/api/v1/charges", ["customer_id": 999, "unit_price": "1", "vat_rate": "19"], "customer_id"),
                ("/api/v1/invoices", ["customer_id": customer], "customer_id"),
                ("/api/v1/payments", ["customer_id": customer, "amount": "1.001"], "amount"),
                ("/api/v1/payments", ["customer_id": customer, "amount": "1", "method": "cheque"], "method"),
                // A day that does not exist or has not come is a rule (422), not a malformed request.
                (
                    "/api/v1/payments", ["customer_id": customer, "amount": "1", "received_on": "2026-02-30"],
                    "received_on"
                ),
                (
                    "/api/v1/payments", ["customer_id": customer, "amount": "1", "received_on": "2999-01-01"],
                    "received_on"
                ),
                (
                    "/api/v1/charges",
                    [
                        "customer_id": customer, "description": "x", "unit_price": "1", "vat_rate": "19",
                        "performed_on": "2026-13-01",
                    ],
                    "performed_on"
                ),
                // One currency per lab: another is refused, never converted or ignored.
                ("/api/v1/payments", ["customer_id": customer, "amount": "1", "currency": "USD"], "currency"),
                (
                    "/api/v1/charges",
                    [
                        "customer_id": customer, "description": "x", "unit_price": "1", "vat_rate": "19",
                        "currency": "CHF",
                    ],
                    "currency"
                ),
            ]
            for (path, body, field) in cases {
                let response = try await client.send(.post, path, auth: key, json: body)
                #expect(response.status == .unprocessableContent, "\(path) \(body)")
                #expect(try response.apiError()["field"] as? String == field, "\(path) \(body)")
            }
            #expect(try await server.auditEvents().count == before)
            let payment = try await client.postJSON(
                "/api/v1/payments", auth: key, ["customer_id": customer, "amount": "10"])
            let refund = try await client.send(
                .post, "/api/v1/payments/\(payment["id"] as? Int ?? 0)/refunds", auth: key,
                json: ["amount": "1", "refunded_on": "2026-02-30", "reason": "closing account"])
            #expect(refund.status == .unprocessableContent)
            #expect(try refund.apiError()["field"] as? String == "refunded_on")
            _ = try await BillingFixture.service(client, key: key, code: "X", price: "1")
            let duplicate = try await client.send(
                .post, "/api/v1/services", auth: key,
                json: ["code": "x", "name": "X", "unit_price": "1", "vat_rate": "19"])
            #expect(duplicate.status == .conflict)
        }
    }

    @Test func techniciansSeeNoPricesAndDirectorsBillInTheBrowser() async throws {
        let server = try TestServer { $0.labName = "Celle Repro Lab" }
        let key = try await server.apiKey(BillingFixture.scopes)
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let home = try await client.send(.get, "/", session: technician)
            #expect(!home.text.contains("href=\"/billing\""))
            #expect(try await client.send(.get, "/billing", session: technician).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/services", session: technician).status == .forbidden)
            #expect(try await client.send(.get, "/", session: director).text.contains("href=\"/billing\""))
            let catalog = try await client.send(.get, "/results/catalog", session: technician)
            #expect(catalog.status == .ok && !catalog.text.contains(">Price<"))
            #expect(try await client.send(.get, "/results/catalog", session: director).text.contains(">Price<"))
            // The catalog's JSON, too, shows a test's price only to those who may see money.
            _ = try await client.postJSON(
                "/api/v1/lab-tests", auth: try await server.apiKey(["admin"]),
                ["code": "P4", "name": "Progesterone", "sample_kinds": ["blood"], "price_cents": 1500])
            let unpriced = try await client.send(.get, "/api/v1/lab-catalog", session: technician)
            #expect(unpriced.status == .ok && unpriced.text.contains("Progesterone"))
            #expect(!unpriced.text.contains("price_cents"))
            #expect(try await client.send(.get, "/api/v1/lab-catalog", session: director).text.contains("1500"))

            let customer = try await BillingFixture.customer(client, key: key, name: "Oak Farm")
            let added = try await client.sendForm(
                "/billing/services", session: director,
                [
                    "code": "ET", "name": "Embryo transfer", "unit": "recipient", "vat_category": "S", "vat_rate": "19",
                    "unit_price": "65", "valid_from": "2020-01-01", "work": "",
                ])
            #expect(added.status == .seeOther)
            let services = try await client.send(.get, "/billing/services", session: director)
            #expect(services.text.contains("Embryo transfer") && services.text.contains("65.00"))
            let serviceID = try await client.send(.get, "/api/v1/services", auth: key).json()["items"]
                .flatMap { ($0 as? [[String: Any]])?.first?["id"] as? Int }
            let charged = try await client.sendForm(
                "/billing/charges", session: director,
                [
                    "customer_id": String(customer), "service_id": String(serviceID ?? 0), "quantity": "2",
                    "performed_on": Day.today, "description": "", "unit_price": "",
                ])
            #expect(charged.headers[.location] == "/billing/customers/\(customer)")
            let page = try await client.send(.get, "/billing/customers/\(customer)", session: director)
            #expect(page.text.contains("130.00"))
            let drafted = try await client.sendForm(
                "/billing/invoices", session: director, ["customer_id": String(customer), "purchase_order": "PO-1"])
            let location = try #require(drafted.headers[.location])
            let issued = try await client.sendForm(location + "/issue", session: director, [:])
            #expect(issued.status == .seeOther)
            let print = try await client.send(.get, location + "/print?paper=letter", session: director)
            #expect(print.text.contains("paper-letter"))
            #expect(print.text.contains("Celle Repro Lab") && print.text.contains("Oak Farm"))
            #expect(print.text.contains("154.70"))  // 130.00 + 24.70 VAT
            #expect(print.text.contains("\(Day.today.prefix(4))-000001"))
            let invoiceID = String(location.split(separator: "/").last ?? "")
            let paid = try await client.sendForm(
                "/billing/payments", session: director,
                [
                    "customer_id": String(customer), "amount": "200", "method": "bank_transfer", "reference": "x",
                    "invoice_id": invoiceID, "received_on": "",
                ])
            #expect(paid.status == .seeOther)
            // The office reads the method by its name, in the list and in the form's menu.
            let payments = try await client.send(.get, "/billing/payments", session: director)
            #expect(payments.text.contains("<td>Bank transfer</td>") && !payments.text.contains("bank_transfer<"))
            #expect(payments.text.contains(#"<option value="direct_debit">Direct debit</option>"#))
            let invoice = try await client.send(.get, location, session: director)
            #expect(invoice.text.contains("status-paid"))
            #expect(invoice.text.contains("/api/v1/invoices/\(invoiceID)/einvoice"))
            let xml = try await client.send(.get, "/api/v1/invoices/\(invoiceID)/einvoice", session: director)
            #expect(xml.status == .ok && xml.text.contains("<ram:TypeCode>380</ram:TypeCode>"))
            let customerPage = try await client.send(.get, "/billing/customers/\(customer)", session: director)
            #expect(customerPage.text.contains("45.30"))  // 200 − 154.70 credit
            for path in ["/billing", "/billing/invoices", "/billing/payments", "/billing/aging?as_of=2026-01-01"] {
                #expect(try await client.send(.get, path, session: director).status == .ok, "\(path)")
            }
        }
    }
}
