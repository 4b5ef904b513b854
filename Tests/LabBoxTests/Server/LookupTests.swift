import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxServer
import Testing

/// The lookups behind the pickers: a scanned code or typed `#id` comes first and exact, words find
/// by prefix, deleted records and the wrong sex are never offered.
@Suite struct LookupTests {
    private func create(_ client: some TestClientProtocol, _ path: String, key: String, _ body: [String: Any])
        async throws -> Int
    {
        let response = try await client.send(.post, path, auth: key, json: body)
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json()["id"] as? Int)
    }

    private func matches(_ client: some TestClientProtocol, _ path: String, key: String) async throws
        -> [[String: Any]]
    {
        let response = try await client.send(.get, path, auth: key)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["items"] as? [[String: Any]])
    }

    @Test func animalsAreFoundByCodeIdOrWordsAndNarrowedBySex() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:read", "animals:write"])
        try await server.test { client in
            let bella = try await create(
                client, "/api/v1/animals", key: key,
                [
                    "species": "bovine", "name": "Bella", "sex": "female", "breed": "Holstein",
                    "identifiers": [["type": "ear_tag", "value": "DE0102345678"]],
                ])
            let belladonna = try await create(
                client, "/api/v1/animals", key: key, ["species": "bovine", "name": "Belladonna", "sex": "female"])
            let bull = try await create(
                client, "/api/v1/animals", key: key, ["species": "bovine", "name": "Bellator", "sex": "male"])
            let gone = try await create(
                client, "/api/v1/animals", key: key, ["species": "bovine", "name": "Bellamy", "sex": "female"])
            let deleted = try await client.send(
                .delete, "/api/v1/animals/\(gone)", auth: key, json: ["reason": "entered twice"])
            #expect(deleted.status == .ok || deleted.status == .noContent, "\(deleted.text)")

            let scanned = try await matches(client, "/api/v1/animals/lookup?q=DE0102345678", key: key)
            #expect(scanned.map { $0["id"] as? Int } == [bella])
            #expect(scanned.first?["exact"] as? Bool == true)
            #expect((scanned.first?["detail"] as? String)?.contains("ear tag DE0102345678") == true)

            let words = try await matches(client, "/api/v1/animals/lookup?q=bell", key: key)
            #expect(Set(words.compactMap { $0["id"] as? Int }) == [bella, belladonna, bull])
            #expect(words.allSatisfy { $0["exact"] as? Bool == false })

            let females = try await matches(client, "/api/v1/animals/lookup?q=bell&sex=female", key: key)
            #expect(Set(females.compactMap { $0["id"] as? Int }) == [bella, belladonna])

            let byID = try await matches(client, "/api/v1/animals/lookup?q=%23\(belladonna)", key: key)
            #expect(byID.first?["id"] as? Int == belladonna)
            #expect(byID.first?["label"] as? String == "Belladonna")
            let wrongSex = try await matches(client, "/api/v1/animals/lookup?q=%23\(bull)&sex=female", key: key)
            #expect(wrongSex.isEmpty)
            #expect(try await matches(client, "/api/v1/animals/lookup?q=%23\(gone)", key: key).isEmpty)
            #expect(try await matches(client, "/api/v1/animals/lookup", key: key).isEmpty)

            let long = try await client.send(
                .get, "/api/v1/animals/lookup?q=\(String(repeating: "x", count: 101))", auth: key)
            #expect(long.status == .badRequest)
            #expect(try long.apiError()["field"] as? String == "q")
            let badSex = try await client.send(.get, "/api/v1/animals/lookup?q=b&sex=bull", auth: key)
            #expect(try badSex.apiError()["field"] as? String == "sex")
        }
    }

    @Test func customersAreFoundByEmailIdOrWords() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["customers:read", "customers:write"])
        try await server.test { client in
            let farm = try await create(
                client, "/api/v1/customers", key: key,
                ["name": "Hillside Farm", "email": "office@hillside.example", "city": "Ulm"])
            let clinic = try await create(
                client, "/api/v1/customers", key: key, ["name": "Hill Vet Clinic", "city": "Bern"])
            let email = try await matches(client, "/api/v1/customers/lookup?q=office@hillside.example", key: key)
            #expect(email.first?["id"] as? Int == farm)
            #expect(email.first?["exact"] as? Bool == true)
            let words = try await matches(client, "/api/v1/customers/lookup?q=hill", key: key)
            #expect(Set(words.compactMap { $0["id"] as? Int }) == [farm, clinic])
            let byID = try await matches(client, "/api/v1/customers/lookup?q=\(clinic)", key: key)
            #expect(byID.first?["label"] as? String == "Hill Vet Clinic")
            #expect(byID.first?["detail"] as? String == "Bern")
        }
    }

    @Test func containersAreFoundByTheirAddress() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let path = "/api/v1/storage/containers"
            let tank = try await create(client, path, key: admin, ["kind": "tank", "name": "Tank 3"])
            let canister = try await create(
                client, path, key: admin, ["kind": "canister", "name": "C2", "parent_id": tank])
            let g1 = try await create(
                client, path, key: admin, ["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 6])
            _ = try await create(
                client, path, key: admin, ["kind": "goblet", "name": "G2", "parent_id": canister, "columns": 6])

            let words = try await matches(client, "\(path)/lookup?q=tank%203%20g1", key: admin)
            #expect(words.map { $0["id"] as? Int } == [g1])
            #expect(words.first?["label"] as? String == "Tank 3 / C2 / G1")
            #expect(words.first?["detail"] as? String == "goblet, 6 positions")
            let whole = try await matches(client, "\(path)/lookup?q=tank%203%20/%20c2", key: admin)
            #expect(whole.first?["id"] as? Int == canister)
            #expect(whole.first?["exact"] as? Bool == true)
            #expect(whole.count == 3)  // the canister, then its goblets, whose addresses start the same
            #expect(try await matches(client, "\(path)/lookup?q=freezer", key: admin).isEmpty)
        }
    }

    /// The kinds a task may be about that have no list picker elsewhere: an order by its reference
    /// or customer, an invoice by its customer or `#id`, a transfer by its recipient.
    @Test func ordersInvoicesAndTransfersAreFoundForATasksRecord() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let technician = try await server.user(.technician)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let customer = try await create(client, "/api/v1/customers", key: admin, ["name": "Green Farm"])
            _ = try await client.postJSON(
                "/api/v1/lab-tests", auth: admin,
                ["code": "P4", "name": "Progesterone", "sample_kinds": ["blood"], "unit": "ng/mL", "method": "ELISA"])
            var blood = TestServer.sampleBody("BLOOD-1")
            blood["kind"] = "blood"
            let sample = try await create(client, "/api/v1/samples", key: admin, blood)
            let order = try await client.postJSON(
                "/api/v1/orders", auth: admin,
                ["customer_id": customer, "sample_ids": [sample], "tests": ["P4"], "reference": "Herd check"])
            let orderID = try #require((order["order"] as? [String: Any])?["id"] as? Int)
            let byReference = try await matches(client, "/api/v1/orders/lookup?q=Herd%20check", key: admin)
            #expect(byReference.map { $0["id"] as? Int } == [orderID])
            #expect(byReference.first?["exact"] as? Bool == true)
            #expect(byReference.first?["label"] as? String == "Order Herd check")
            let byCustomer = try await matches(client, "/api/v1/orders/lookup?q=green", key: admin)
            #expect(byCustomer.map { $0["id"] as? Int } == [orderID])
            #expect(try await matches(client, "/api/v1/orders/lookup?q=herd%25", key: admin).isEmpty)

            let service = try await create(
                client, "/api/v1/services", key: admin,
                ["code": "VISIT", "name": "Farm visit", "vat_rate": "19", "unit_price": "40"])
            _ = try await create(
                client, "/api/v1/charges", key: admin, ["customer_id": customer, "service_id": service])
            let invoice = try await create(client, "/api/v1/invoices", key: admin, ["customer_id": customer])
            let byID = try await matches(client, "/api/v1/invoices/lookup?q=%23\(invoice)", key: admin)
            #expect(byID.first?["id"] as? Int == invoice)
            #expect(byID.first?["label"] as? String == "Invoice draft #\(invoice)")
            #expect(byID.first?["detail"] as? String == "Green Farm · draft")
            let invoices = try await matches(client, "/api/v1/invoices/lookup?q=green%20farm", key: admin)
            #expect(invoices.map { $0["id"] as? Int } == [invoice])
            // A bank line pays an open invoice (`open=true`): a draft is not one, the issued invoice is.
            let open = "/api/v1/invoices/lookup?q=green&open=true"
            #expect(try await matches(client, open, key: admin).isEmpty)
            let issued = try await client.send(.post, "/api/v1/invoices/\(invoice)/issue", auth: admin)
            #expect(issued.status == .ok, "\(issued.text)")
            #expect(try await matches(client, open, key: admin).map { $0["id"] as? Int } == [invoice])

            let donor = try await client.newAnimal(auth: admin, name: "Daisy")
            let sire = try await client.newAnimal(auth: admin, name: "Bruno", sex: "male")
            let recipient = try await client.newAnimal(auth: admin, name: "Rosie")
            let embryos = try #require(
                try await client.postJSON(
                    "/api/v1/embryos", auth: admin,
                    ["donor_id": donor, "sire_id": sire, "day": 7, "embryos": [["stage": 7, "grade": 1]]]
                )["items"] as? [[String: Any]])
            let transfer = try await client.send(
                .post, "/api/v1/transfers", session: director,
                json: [
                    "recipient_id": recipient, "embryo_ids": [embryos.first?["id"] as? Int ?? 0],
                    "transferred_on": "2026-11-02",
                    "witness": ["email": technician.email, "password": TestServer.password],
                ])
            #expect(transfer.status == .created, "\(transfer.text)")
            let transfers = try await matches(client, "/api/v1/transfers/lookup?q=rosie", key: admin)
            #expect(transfers.first?["label"] as? String == "Transfer #1")
            #expect(transfers.first?["detail"] as? String == "Rosie · 2026-11-02")
            #expect(try await matches(client, "/api/v1/transfers/lookup?q=daisy", key: admin).isEmpty)
        }
    }
}
