import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// The billing part of ``AuditedRoutesTests/everyWritingAPIRouteIsAudited()``: each writing route
/// once, with the audit action it must leave.
enum AuditedBillingRoutes {
    typealias ExpectAudited = (String, String, () async throws -> TestResponse) async throws -> TestResponse

    static func exercise(_ client: some TestClientProtocol, adminKey: String, expectAudited: ExpectAudited)
        async throws
    {
        func id(_ response: TestResponse) throws -> Int { try #require(try response.json()["id"] as? Int) }
        let customer = try #require(
            try await client.postJSON("/api/v1/customers", auth: adminKey, ["name": "Billing Farm"])["id"] as? Int)
        let service = try id(
            try await expectAudited("POST /api/v1/services", "create") {
                try await client.send(
                    .post, "/api/v1/services", auth: adminKey,
                    json: ["code": "AUD", "name": "Audit", "vat_rate": "19", "unit_price": "10"])
            })
        _ = try await expectAudited("PATCH /api/v1/services/{id}", "update") {
            try await client.send(.patch, "/api/v1/services/\(service)", auth: adminKey, json: ["unit": "hour"])
        }
        _ = try await expectAudited("POST /api/v1/services/{id}/prices", "create") {
            try await client.send(
                .post, "/api/v1/services/\(service)/prices", auth: adminKey,
                json: ["unit_price": "9", "customer_id": customer, "valid_from": "2020-01-01"])
        }
        func charge() async throws -> Int {
            try id(
                try await expectAudited("POST /api/v1/charges", "create") {
                    try await client.send(
                        .post, "/api/v1/charges", auth: adminKey,
                        json: ["customer_id": customer, "service_id": service])
                })
        }
        let removed = try await charge()
        _ = try await expectAudited("DELETE /api/v1/charges/{id}", "delete") {
            try await client.send(.delete, "/api/v1/charges/\(removed)?reason=typo", auth: adminKey)
        }
        let donor = try await client.postJSON(
            "/api/v1/animals", auth: adminKey, ["species": "bovine", "sex": "female", "owner_id": customer])
        _ = try await client.postJSON(
            "/api/v1/opu-sessions", auth: adminKey,
            ["donor_id": donor["id"] as? Int ?? 0, "follicles": 1, "oocytes": 1])
        _ = try await client.send(.patch, "/api/v1/services/\(service)", auth: adminKey, json: ["work": "opu_session"])
        _ = try await expectAudited("POST /api/v1/charges/capture", "capture") {
            try await client.send(.post, "/api/v1/charges/capture", auth: adminKey)
        }
        let discarded = try id(
            try await expectAudited("POST /api/v1/invoices", "create") {
                try await client.send(.post, "/api/v1/invoices", auth: adminKey, json: ["customer_id": customer])
            })
        _ = try await expectAudited("DELETE /api/v1/invoices/{id}", "delete") {
            try await client.send(.delete, "/api/v1/invoices/\(discarded)", auth: adminKey)
        }
        _ = try await charge()
        let draft = try id(
            try await client.send(.post, "/api/v1/invoices", auth: adminKey, json: ["customer_id": customer]))
        _ = try await expectAudited("PATCH /api/v1/invoices/{id}", "update") {
            try await client.send(.patch, "/api/v1/invoices/\(draft)", auth: adminKey, json: ["purchase_order": "PO"])
        }
        _ = try await expectAudited("POST /api/v1/invoices/{id}/issue", "issue") {
            try await client.send(.post, "/api/v1/invoices/\(draft)/issue", auth: adminKey)
        }
        _ = try await expectAudited("POST /api/v1/invoices/{id}/credit-notes", "issue") {
            try await client.send(
                .post, "/api/v1/invoices/\(draft)/credit-notes", auth: adminKey, json: ["reason": "audit"])
        }
        _ = try await charge()
        let voided = try id(
            try await client.send(.post, "/api/v1/invoices", auth: adminKey, json: ["customer_id": customer]))
        _ = try await client.send(.post, "/api/v1/invoices/\(voided)/issue", auth: adminKey)
        _ = try await expectAudited("POST /api/v1/invoices/{id}/void", "void") {
            try await client.send(.post, "/api/v1/invoices/\(voided)/void", auth: adminKey, json: ["reason": "audit"])
        }
        let open = try id(
            try await client.send(.post, "/api/v1/invoices", auth: adminKey, json: ["customer_id": customer]))
        _ = try await client.send(.post, "/api/v1/invoices/\(open)/issue", auth: adminKey)
        let payment = try id(
            try await expectAudited("POST /api/v1/payments", "create") {
                try await client.send(
                    .post, "/api/v1/payments", auth: adminKey, json: ["customer_id": customer, "amount": "5"])
            })
        _ = try await expectAudited("POST /api/v1/payments/{id}/allocations", "create") {
            try await client.send(
                .post, "/api/v1/payments/\(payment)/allocations", auth: adminKey,
                json: ["allocations": [["invoice_id": open, "amount": "5"]]])
        }
        try await reports(client, adminKey: adminKey, customer: customer, expectAudited: expectAudited)
    }

    /// The reports and bookkeeping routes that write: the invoice run, the storage charges and
    /// the price list's CSV import.
    static func reports(
        _ client: some TestClientProtocol, adminKey: String, customer: Int, expectAudited: ExpectAudited
    ) async throws {
        let freezer = try #require(
            try await client.postJSON(
                "/api/v1/storage/containers", auth: adminKey, ["kind": "freezer", "name": "Rental freezer"]
            )["id"] as? Int)
        let box = try #require(
            try await client.postJSON(
                "/api/v1/storage/containers", auth: adminKey,
                ["kind": "box", "name": "Rental", "rows": 1, "columns": 1, "parent_id": freezer]
            )["id"] as? Int)
        let animal = try #require(
            try await client.postJSON(
                "/api/v1/animals", auth: adminKey, ["species": "bovine", "sex": "male", "owner_id": customer]
            )["id"] as? Int)
        var body = TestServer.sampleBody()
        body["animal_id"] = animal
        let sample = try #require(try await client.postJSON("/api/v1/samples", auth: adminKey, body)["id"] as? Int)
        _ = try await client.send(
            .post, "/api/v1/storage/check-in", auth: adminKey,
            json: ["sample_id": sample, "container_id": box, "position": 1])
        _ = try await client.postJSON(
            "/api/v1/services", auth: adminKey,
            [
                "code": "RENT", "name": "Storage", "vat_rate": "19", "unit_price": "0.5", "work": "storage_straw_month",
                "valid_from": "2020-01-01",
            ])
        _ = try await expectAudited("POST /api/v1/charges/storage", "accrue") {
            try await client.send(.post, "/api/v1/charges/storage", auth: adminKey, json: [:])
        }
        _ = try await expectAudited("POST /api/v1/invoices/run", "issue") {
            try await client.send(.post, "/api/v1/invoices/run", auth: adminKey, json: [:])
        }
        _ = try await expectAudited("POST /api/v1/services/import", "import") {
            try await client.sendCSV(
                "/api/v1/services/import", auth: adminKey, "code,name,vat_rate,unit_price\r\nCSV,Imported,19,3\r\n")
        }
        _ = try await expectAudited("POST /api/v1/services/import/jobs", "start") {
            try await client.sendCSV("/api/v1/services/import/jobs", auth: adminKey, "code,name\r\nCSV,Renamed\r\n")
        }
    }
}
