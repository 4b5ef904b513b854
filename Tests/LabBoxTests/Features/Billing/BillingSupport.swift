import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// What the billing tests share: a key that may do everything billing needs, and small builders.
enum BillingFixture {
    static let scopes: Set<String> = [
        "billing:read", "billing:write", "customers:write", "customers:read", "animals:write", "animals:read",
        "reproduction:read", "reproduction:write", "results:read", "results:write", "samples:read", "samples:write",
    ]

    static func customer(_ client: some TestClientProtocol, key: String, name: String, vatID: String = "")
        async throws -> Int
    {
        let body: [String: Any] = [
            "name": name, "address": "Hofweg 1", "postcode": "29221", "city": "Celle", "country": "DE",
            "vat_id": vatID, "billing_email": "office@\(name.lowercased().filter(\.isLetter)).example",
        ]
        return try #require(try await client.postJSON("/api/v1/customers", auth: key, body)["id"] as? Int)
    }

    static func service(
        _ client: some TestClientProtocol, key: String, code: String, price: String, rate: String = "19",
        category: String = "S", work: String? = nil, from: String = "2020-01-01"
    ) async throws -> Int {
        var body: [String: Any] = [
            "code": code, "name": "Service \(code)", "unit": "each", "vat_category": category, "vat_rate": rate,
            "unit_price": price, "valid_from": from,
        ]
        if let work { body["work"] = work }
        return try #require(try await client.postJSON("/api/v1/services", auth: key, body)["id"] as? Int)
    }

    static func charge(
        _ client: some TestClientProtocol, key: String, customer: Int, price: String, quantity: String = "1",
        rate: String = "19"
    ) async throws -> Int {
        let body: [String: Any] = [
            "customer_id": customer, "description": "Consultation", "quantity": quantity, "unit_price": price,
            "vat_category": rate == "0" ? "E" : "S", "vat_rate": rate, "performed_on": Day.today,
        ]
        return try #require(try await client.postJSON("/api/v1/charges", auth: key, body)["id"] as? Int)
    }

    /// A draft of all the customer's unbilled work, issued; its JSON.
    static func issued(_ client: some TestClientProtocol, key: String, customer: Int) async throws -> [String: Any] {
        let draft = try await client.postJSON("/api/v1/invoices", auth: key, ["customer_id": customer])
        let id = try #require(draft["id"] as? Int)
        let issued = try await client.send(.post, "/api/v1/invoices/\(id)/issue", auth: key)
        #expect(issued.status == .ok, "\(issued.text)")
        return try issued.json()
    }
}
