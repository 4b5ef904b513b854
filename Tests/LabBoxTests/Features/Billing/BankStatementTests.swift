import Billing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Bank statements: the CSV's amounts and days, proposals matched to open invoices, the review
/// that records payments, and importing the same lines again recording nothing twice.
@Suite struct BankStatementTests {
    @Test(
        arguments: [
            ("119,00", true, 11_900), ("1.234,56", true, 123_456), ("1,234.56", false, 123_456),
            ("-12,00", true, -1200),
            ("12.00-", false, -1200), ("+5", false, 500), ("1 234,5", true, 123_450), ("1'234.56", false, 123_456),
            ("1.234.567,89", true, 123_456_789), ("1.234", true, 123_400), ("1,234", false, 123_400),
            ("0,5", false, 50),
        ] as [(String, Bool, Int64)])
    func amountsBecomeMinorUnitsFromTheirDigits(text: String, decimalComma: Bool, minor: Int64) {
        #expect(BankStatementCSV.minor(text, currency: .euro, decimalComma: decimalComma) == minor)
    }

    @Test(arguments: ["", "abc", "1.2.3", "12,345", "1,2345.00", "1.234,5.6", "--1", "12 EUR", "1,23,456.00", ",5"])
    func whatIsNoAmountIsRefused(text: String) {
        // 12,345 in a comma-decimal file has three decimals, more than EUR has.
        #expect(BankStatementCSV.minor(text, currency: .euro, decimalComma: true) == nil)
    }

    @Test func daysAreReadAsEuropeanBanksWriteThem() {
        #expect(BankStatementCSV.day("2026-03-01") == "2026-03-01")
        #expect(BankStatementCSV.day("01.03.2026") == "2026-03-01")
        #expect(BankStatementCSV.day("1.3.26") == "2026-03-01")
        #expect(BankStatementCSV.day("01/03/2026") == "2026-03-01")
        #expect(BankStatementCSV.day("31.02.2026") == nil)
        #expect(BankStatementCSV.day("2026-13-01") == nil)
    }

    /// 02.03.2026 style: the day European banks print.
    static func european(_ day: String) -> String {
        let parts = day.split(separator: "-")
        return "\(parts[2]).\(parts[1]).\(parts[0])"
    }

    @Test func linesAreMatchedReviewedAndRecordedOnceEvenWhenImportedAgain() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let green = try await BillingFixture.customer(client, key: key, name: "Green Farm")
            let hill = try await BillingFixture.customer(client, key: key, name: "Hill Farm")
            _ = try await BillingFixture.charge(client, key: key, customer: green, price: "100")
            let first = try await BillingFixture.issued(client, key: key, customer: green)
            _ = try await BillingFixture.charge(client, key: key, customer: hill, price: "50")
            let second = try await BillingFixture.issued(client, key: key, customer: hill)
            let number = try #require(first["number"] as? String)
            let today = Self.european(Day.today)
            let csv = """
                Booking date;Amount;Purpose;Payer;Balance
                \(today);119,00;"Invoice \(number), thank you";GREEN FARM KG;1.119,00
                \(today);59,50;payment;Someone;1.178,50
                \(today);10,00;advance;Green Farm;1.188,50
                \(today);-25,00;Bank fee;Bank;1.163,50

                """
            let statement = try await step("import: proposals by reference, amount and counterparty") {
                let response = try await client.sendCSV("/api/v1/bank-statements?filename=march.csv", auth: key, csv)
                #expect(response.status == .created, "\(response.text)")
                let statement = try response.json()
                #expect(statement["lines"] as? Int == 4 && statement["pending"] as? Int == 4)
                let items = try #require(statement["items"] as? [[String: Any]])
                let rules = items.map { ($0["proposal"] as? [String: Any])?["rule"] as? String }
                #expect(rules == ["reference", "amount", "counterparty", "outgoing"])
                let proposed = items.map {
                    (($0["proposal"] as? [String: Any])?["invoices"] as? [[String: Any]])?.first?["id"] as? Int
                }
                #expect(proposed == [first["id"] as? Int, second["id"] as? Int, nil, nil])
                #expect(items.map { $0["amount"] as? String } == ["119.00", "59.50", "10.00", "-25.00"])
                #expect(items.first?["line_number"] as? Int == 2)
                return statement
            }
            let lines = try #require(statement["items"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            let id = try #require(statement["id"] as? Int)
            try await step("the review page shows the proposals preselected") {
                let page = try await client.send(.get, "/billing/statements/\(id)", session: director)
                #expect(page.status == .ok)
                #expect(
                    page.text.contains(
                        "<option value=\"invoices:\(first["id"] as? Int ?? 0)\" data-pick=\"\" selected>"))
                #expect(page.text.contains("<option value=\"customer:\(green)\" data-pick=\"\" selected>"))
            }
            try await step("confirming records payments and allocations in one go, audited") {
                let response = try await client.send(
                    .post, "/api/v1/bank-statements/\(id)/confirm", auth: key,
                    json: [
                        "lines": [
                            ["line_id": lines[0], "action": "record", "invoice_ids": [first["id"] as? Int ?? 0]],
                            ["line_id": lines[1], "action": "record", "invoice_ids": [second["id"] as? Int ?? 0]],
                            ["line_id": lines[2], "action": "record", "customer_id": green],
                            ["line_id": lines[3], "action": "ignore"],
                        ]
                    ])
                #expect(response.status == .ok, "\(response.text)")
                #expect(try response.json()["pending"] as? Int == 0)
                for invoice in [first, second] {
                    let now = try await client.send(.get, "/api/v1/invoices/\(invoice["id"] as? Int ?? 0)", auth: key)
                    #expect(try now.json()["status"] as? String == "paid")
                }
                let payments = try await client.send(.get, "/api/v1/payments?customer_id=\(green)", auth: key).json()
                let amounts = (payments["items"] as? [[String: Any]])?.compactMap { $0["unallocated"] as? String }
                #expect(amounts?.sorted() == ["0.00", "10.00"])
                let events = try await server.auditEvents()
                #expect(events.filter { $0.entityType == "bank_statement_line" && $0.action == "record" }.count == 3)
                #expect(events.contains { $0.entityType == "payment" && $0.action == "import" })
            }
            try await step("deciding a line again, or importing the same lines again, records nothing twice") {
                let again = try await client.send(
                    .post, "/api/v1/bank-statements/\(id)/confirm", auth: key,
                    json: ["lines": [["line_id": lines[0], "action": "record", "customer_id": green]]])
                #expect(again.status == .conflict)
                #expect(try again.apiError()["field"] as? String == "lines.0.line_id")
                let reimport = try await client.sendCSV("/api/v1/bank-statements", auth: key, csv)
                #expect(reimport.status == .conflict)
                let longer = try await client.sendCSV(
                    "/api/v1/bank-statements", auth: key, csv + "\(today);5,00;more;Hill Farm;1.168,50\n")
                #expect(longer.status == .created)
                let added = try longer.json()
                #expect(added["lines"] as? Int == 1 && added["skipped"] as? Int == 4)
                let payments = try await client.send(.get, "/api/v1/payments", auth: key).json()["items"]
                #expect((payments as? [[String: Any]])?.count == 3)
            }
        }
    }

    @Test func aBadFileIsRefusedNamingTheLineAndColumnAndNothingIsWritten() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(BillingFixture.scopes)
        try await server.test { client in
            let before = try await server.auditEvents().count
            let tomorrow = Day.adding(1, to: Day.today) ?? ""
            let cases: [(String, String)] = [
                ("date,reference\n2026-01-02,x\n", "file"),
                ("date,amount\n", "file"),
                ("date,amount,reference\n2026-01-02,12.50,ok\n2026-01-03,12.5.0,bad\n", "lines.3.amount"),
                ("date;amount\n32.01.2026;1,00\n", "lines.2.date"),
                ("date,amount\n\(tomorrow),1.00\n", "lines.2.date"),
                ("date,amount,currency\n2026-01-02,1.00,USD\n", "lines.2.currency"),
                ("date,amount\n2026-01-02,1.001\n", "lines.2.amount"),
            ]
            for (csv, field) in cases {
                let response = try await client.sendCSV("/api/v1/bank-statements", auth: key, csv)
                #expect(response.status == .unprocessableContent, "\(csv)")
                #expect(try response.apiError()["field"] as? String == field, "\(csv): \(response.text)")
            }
            #expect(try await server.auditEvents().count == before)
            let json = try await client.send(.post, "/api/v1/bank-statements", auth: key, json: [:])
            #expect(json.status == .unsupportedMediaType)
        }
    }

    @Test func aPaymentsCreditIsRefundedNeverBeyondWhatIsLeft() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Pond Farm")
            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "100", rate: "0")
            let invoice = try await BillingFixture.issued(client, key: key, customer: customer)
            let payment = try await client.postJSON(
                "/api/v1/payments", auth: key,
                [
                    "customer_id": customer, "amount": "130",
                    "allocations": [["invoice_id": invoice["id"] as? Int ?? 0, "amount": "100"]],
                ])
            let id = try #require(payment["id"] as? Int)
            let tooMuch = try await client.send(
                .post, "/api/v1/payments/\(id)/refunds", auth: key, json: ["amount": "30.01", "reason": "overpaid"])
            #expect(tooMuch.status == .unprocessableContent)
            #expect(try tooMuch.apiError()["field"] as? String == "amount")
            let noReason = try await client.send(
                .post, "/api/v1/payments/\(id)/refunds", auth: key, json: ["amount": "10"])
            #expect(try noReason.apiError()["field"] as? String == "reason")
            let refund = try await client.send(
                .post, "/api/v1/payments/\(id)/refunds", auth: key,
                json: ["amount": "20", "reason": "overpaid", "reference": "SEPA 123"])
            #expect(refund.status == .created)
            #expect(try refund.json()["amount"] as? String == "20.00")
            let after = try await client.send(.get, "/api/v1/payments/\(id)", auth: key).json()
            #expect(after["refunded"] as? String == "20.00" && after["unallocated"] as? String == "10.00")
            #expect(
                try await server.auditEvents().contains {
                    $0.entityType == "payment_refund" && $0.action == "refund" && $0.reason == "overpaid"
                })
            // What is refunded cannot be allocated any more, and the browser refunds the rest.
            let page = try await client.send(.get, "/billing/payments/\(id)", session: director)
            #expect(page.text.contains("SEPA 123") && page.text.contains("Refund credit"))
            let browser = try await client.sendForm(
                "/billing/payments/\(id)/refunds", session: director,
                ["amount": "10", "refunded_on": "", "method": "cash", "reference": "", "reason": "closing account"])
            #expect(browser.status == .seeOther)
            let emptied = try await client.send(.get, "/api/v1/payments/\(id)", auth: key).json()
            #expect(emptied["unallocated"] as? String == "0.00")
        }
    }
    @Test func theOfficeImportsAndConfirmsAStatementInTheBrowser() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(BillingFixture.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let customer = try await BillingFixture.customer(client, key: key, name: "Birch Farm")
            _ = try await BillingFixture.charge(client, key: key, customer: customer, price: "100")
            let invoice = try await BillingFixture.issued(client, key: key, customer: customer)
            let invoiceID = try #require(invoice["id"] as? Int)
            let bad = try await client.sendForm(
                "/billing/statements", session: director, ["csv": "date,amount\n2026-01-02,abc\n", "filename": ""])
            #expect(bad.status == .unprocessableContent && bad.text.contains("Line 2:"))
            let today = Self.european(Day.today)
            let uploaded = try await client.sendForm(
                "/billing/statements", session: director,
                [
                    "csv": "date;amount;reference\n\(today);119,00;\(invoice["number"] as? String ?? "")\n",
                    "filename": "march",
                ])
            let location = try #require(uploaded.headers[.location])
            let id = try #require(Int(location.split(separator: "/").last ?? ""))
            let review = try await client.send(.get, "/api/v1/bank-statements/\(id)", auth: key).json()
            let line = try #require((review["items"] as? [[String: Any]])?.first?["id"] as? Int)
            // Another invoice than proposed is chosen with the picker beside the line's menu.
            let page = try await client.send(.get, location, session: director)
            #expect(page.text.contains(#"name="other_\#(line)" data-pick="""#))
            #expect(page.text.contains(#"<option value="invoice" data-pick="/api/v1/invoices/lookup?open=true">"#))
            // "Another invoice" with none picked comes back to the review saying so, nothing recorded.
            let unpicked = try await client.sendForm(
                location + "/confirm", session: director, ["line_\(line)": "invoice"])
            #expect(unpicked.headers[.location] == location)
            let flash = try #require(unpicked.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let refused = try await client.execute(
                uri: location, method: .get, headers: [.cookie: "\(flash); \(director.cookie)"])
            #expect(refused.text.contains("box beside it; nothing was recorded"))
            #expect(refused.text.contains(#"name="other_\#(line)""#))
            let confirmed = try await client.sendForm(
                location + "/confirm", session: director, ["line_\(line)": "invoice", "other_\(line)": "\(invoiceID)"])
            #expect(confirmed.headers[.location] == location)
            let paid = try await client.send(.get, "/api/v1/invoices/\(invoiceID)", auth: key).json()
            #expect(paid["status"] as? String == "paid")
            let list = try await client.send(.get, "/billing/statements", session: director)
            #expect(list.text.contains("march"))
            let reviewed = try await client.send(.get, location, session: director)
            #expect(reviewed.text.contains("status-recorded"))
        }
    }
}
