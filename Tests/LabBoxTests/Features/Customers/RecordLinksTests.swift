import Foundation
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// A customer's page lists their animals, samples, stored straws, orders, transfers and invoices;
/// an animal's page its samples, straws, embryos, transfers and results; each item links to its
/// record, and each list to all of them.
@Suite struct RecordLinksTests {
    @Test func customerAndAnimalPagesListTheirLinkedRecords() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            let customer = try #require(
                try await client.postJSON("/api/v1/customers", auth: key, ["name": "Hof Meier"])["id"] as? Int)
            let other = try #require(
                try await client.postJSON("/api/v1/customers", auth: key, ["name": "Elsewhere"])["id"] as? Int)
            let bella = try await client.newAnimal(auth: key, name: "Bella")
            let stranger = try await client.newAnimal(auth: key, name: "Stranger")
            _ = try await client.send(.patch, "/api/v1/animals/\(bella)", auth: key, json: ["owner_id": customer])
            _ = try await client.send(.patch, "/api/v1/animals/\(stranger)", auth: key, json: ["owner_id": other])
            var ids: [Int] = []
            for index in 0..<12 {
                var body = TestServer.sampleBody("BELLA-\(index)")
                body["animal_id"] = bella
                body["kind"] = "blood"
                ids.append(try #require(try await client.postJSON("/api/v1/samples", auth: key, body)["id"] as? Int))
            }
            var foreign = TestServer.sampleBody("STRANGER-1")
            foreign["animal_id"] = stranger
            _ = try await client.postJSON("/api/v1/samples", auth: key, foreign)
            let freezer = try #require(
                try await client.postJSON("/api/v1/storage/containers", auth: key, ["kind": "freezer", "name": "F"])[
                    "id"] as? Int)
            let tank = try #require(
                try await client.postJSON(
                    "/api/v1/storage/containers", auth: key,
                    ["kind": "box", "name": "Box A", "rows": 2, "columns": 2, "parent_id": freezer]
                )["id"] as? Int)
            _ = try await client.postJSON(
                "/api/v1/storage/check-in", auth: key, ["sample_id": ids[0], "container_id": tank, "position": 3],
                expect: .ok)
            _ = try await client.postJSON(
                "/api/v1/lab-tests", auth: key,
                ["code": "P4", "name": "Progesterone", "sample_kinds": ["blood"], "unit": "ng/mL"])
            let order = try await client.postJSON(
                "/api/v1/orders", auth: key,
                ["customer_id": customer, "sample_ids": [ids[1]], "tests": ["P4"], "reference": "PO-77"])
            let orderID = try #require((order["order"] as? [String: Any])?["id"] as? Int)
            let service = try #require(
                try await client.postJSON(
                    "/api/v1/services", auth: key, ["code": "P4", "name": "P4", "vat_rate": "19", "unit_price": "10"])[
                        "id"] as? Int)
            _ = try await client.postJSON(
                "/api/v1/charges", auth: key, ["customer_id": customer, "service_id": service])
            let invoice = try #require(
                try await client.postJSON("/api/v1/invoices", auth: key, ["customer_id": customer])["id"] as? Int)

            let director = try await server.signIn(.director)
            try await step("the customer's page lists each kind, capped, with a link to all") {
                let page = try await client.send(.get, "/customers/\(customer)", session: director).text
                #expect(page.contains("id=\"linked-animals\""))
                #expect(page.contains("<a href=\"/animals/\(bella)\">Bella</a>"))
                #expect(!page.contains("Stranger"))
                #expect(page.contains("Samples (12)"))
                #expect(page.contains("<a href=\"/samples/\(ids[11])\">BELLA-11</a>"))
                #expect(page.contains("href=\"/samples?owner_id=\(customer)&amp;sort=-collected_at\">See all 12</a>"))
                #expect(!page.contains("STRANGER-1"))
                #expect(page.contains("In storage (1)") && page.contains("Box A / 3"))
                #expect(page.contains("<a href=\"/results/orders/\(orderID)\">Order #\(orderID)</a>"))
                #expect(page.contains("PO-77") && page.contains("/results/orders/\(orderID)/report"))
                #expect(page.contains("Transfers (0)"))
                #expect(page.contains("<a href=\"/billing/invoices/\(invoice)\">Invoice draft #\(invoice)</a>"))
            }
            try await step("the “see all” link opens the filtered sample list") {
                let all = try await client.send(
                    .get, "/samples?owner_id=\(customer)&sort=-collected_at", session: director)
                #expect(all.text.contains(">BELLA-0<") && !all.text.contains(">STRANGER-1<"))
            }
            try await step("a technician sees no invoices on it") {
                let technician = try await server.signIn(.technician)
                let page = try await client.send(.get, "/customers/\(customer)", session: technician).text
                #expect(page.contains("id=\"linked-samples\""))
                #expect(!page.contains("id=\"linked-invoices\""))
            }
            try await step("the animal's page lists its samples, straws, results, embryos and transfers") {
                let page = try await client.send(.get, "/animals/\(bella)", session: director).text
                #expect(page.contains("href=\"/samples?animal_id=\(bella)&amp;sort=-collected_at\">See all 12</a>"))
                #expect(page.contains("Straws in storage (1)"))
                #expect(page.contains("Lab results (1)") && page.contains("Progesterone"))
                #expect(page.contains("Embryos (0)") && page.contains("Transfers (0)"))
                #expect(page.contains("Offspring") || page.contains("tab=pedigree"))
            }
        }
    }
}
