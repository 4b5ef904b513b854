import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// The billing office's part of ``AuditedRoutesTests/everyWritingAPIRouteIsAudited()``: mail,
/// reminders, bank statements and refunds, each writing route once with its audit action.
enum AuditedBillingOfficeRoutes {
    typealias ExpectAudited = (String, String, () async throws -> TestResponse) async throws -> TestResponse

    static func exercise(_ client: some TestClientProtocol, adminKey: String, expectAudited: ExpectAudited)
        async throws
    {
        let customer = try #require(
            try await client.postJSON(
                "/api/v1/customers", auth: adminKey,
                ["name": "Office Farm", "country": "DE", "billing_email": "office@officefarm.example"])["id"] as? Int)
        /// An issued invoice of 11.90, due `due` (the payment terms when nil).
        func invoice(due: String?) async throws -> [String: Any] {
            _ = try await client.postJSON(
                "/api/v1/charges", auth: adminKey,
                ["customer_id": customer, "description": "Work", "unit_price": "10", "vat_rate": "19"])
            var body: [String: Any] = ["customer_id": customer]
            if let due { body["due_date"] = due }
            let draft = try await client.postJSON("/api/v1/invoices", auth: adminKey, body)
            return try await client.send(.post, "/api/v1/invoices/\(draft["id"] as? Int ?? 0)/issue", auth: adminKey)
                .json()
        }
        let overdue = try await invoice(due: Day.adding(-10, to: Day.today))
        _ = try await expectAudited("POST /api/v1/invoices/{id}/email", "email") {
            try await client.send(.post, "/api/v1/invoices/\(overdue["id"] as? Int ?? 0)/email", auth: adminKey)
        }
        _ = try await expectAudited("POST /api/v1/reminders/run", "remind") {
            try await client.send(.post, "/api/v1/reminders/run", auth: adminKey)
        }
        _ = try await expectAudited("POST /api/v1/customers/{id}/statement/email", "email_statement") {
            try await client.send(.post, "/api/v1/customers/\(customer)/statement/email", auth: adminKey, json: [:])
        }
        let statement = try await expectAudited("POST /api/v1/bank-statements", "import") {
            try await client.sendCSV(
                "/api/v1/bank-statements", auth: adminKey,
                "date,amount,reference\n\(Day.today),20.00,\(overdue["number"] as? String ?? "")\n")
        }
        let statementID = try #require(try statement.json()["id"] as? Int)
        let line = try #require((try statement.json()["items"] as? [[String: Any]])?.first?["id"] as? Int)
        let confirmed = try await expectAudited("POST /api/v1/bank-statements/{id}/confirm", "record") {
            try await client.send(
                .post, "/api/v1/bank-statements/\(statementID)/confirm", auth: adminKey,
                json: ["lines": [["line_id": line, "action": "record", "invoice_ids": [overdue["id"] as? Int ?? 0]]]])
        }
        let payment = try #require((try confirmed.json()["items"] as? [[String: Any]])?.first?["payment_id"] as? Int)
        _ = try await expectAudited("POST /api/v1/payments/{id}/refunds", "refund") {
            try await client.send(
                .post, "/api/v1/payments/\(payment)/refunds", auth: adminKey,
                json: ["amount": "8.10", "reason": "audit"])
        }
    }
}
