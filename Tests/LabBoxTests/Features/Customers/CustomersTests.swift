import Customers
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

@Suite struct CustomersTests {
    @Test func customersSoftDeleteVanishFromListsKeepHistoryAndOnlyAdminsRestore() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["customers:read", "customers:write"])
        let technician = try await server.signIn(.technician)
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let created = try await client.send(
                .post, "/api/v1/customers", auth: key,
                json: ["kind": "organisation", "name": "Hof Meier", "city": "Kiel", "email": "info@meier.example"])
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? Int)
            let bad = try await client.send(
                .post, "/api/v1/customers", auth: key, json: ["name": "X", "email": "nope"])
            #expect(try bad.apiError()["field"] as? String == "email")
            let noName = try await client.send(.post, "/api/v1/customers", auth: key, json: ["kind": "person"])
            #expect(try noName.apiError()["field"] as? String == "name")
            let renamed = try await client.send(
                .patch, "/api/v1/customers/\(id)", auth: key, json: ["name": "Hof Meier GbR"])
            #expect(try renamed.json()["name"] as? String == "Hof Meier GbR")

            let deleted = try await client.send(
                .delete, "/api/v1/customers/\(id)", auth: key, json: ["reason": "duplicate"])
            #expect(deleted.status == .noContent)
            let list = try await client.send(.get, "/api/v1/customers", auth: key)
            #expect(try #require(try list.json()["items"] as? [Any]).isEmpty)
            let withDeleted = try await client.send(.get, "/api/v1/customers?include_deleted=true", auth: admin)
            #expect(try #require(try withDeleted.json()["items"] as? [Any]).count == 1)
            let stillThere = try await client.send(.get, "/api/v1/customers/\(id)", auth: key)
            #expect(try stillThere.json()["deleted_at"] is String)
            #expect(
                try await client.send(.patch, "/api/v1/customers/\(id)", auth: key, json: ["city": "x"]).status
                    == .notFound)

            let byTechnician = try await client.send(.post, "/api/v1/customers/\(id)/restore", session: technician)
            #expect(byTechnician.status == .forbidden)
            let restored = try await client.send(.post, "/api/v1/customers/\(id)/restore", auth: admin)
            #expect(restored.status == .ok)
            #expect(try restored.json()["deleted_at"] == nil)

            let history = try await client.send(.get, "/api/v1/customers/\(id)/history", auth: key)
            let actions = try #require(try history.json()["items"] as? [[String: Any]]).map { $0["action"] as? String }
            #expect(actions == ["restore", "delete", "update", "create"])
        }
    }
}

@Suite struct CustomersCSVTests {
    @Test func customersRoundTripThroughCSV() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["customers:read", "customers:write"])
        try await server.test { client in
            let csv =
                "name;city;email;kind\r\nHof Meier;Kiel;info@meier.example;organisation\r\nAnna Beck;Celle;;person\r\n"
            let check = try await client.sendCSV("/api/v1/customers/import/check", auth: key, csv)
            #expect(try check.json()["valid"] as? Int == 2)
            let bad = try await client.sendCSV(
                "/api/v1/customers/import", auth: key, csv + "Broken;;not-an-email;\r\n")
            #expect(bad.status == .unprocessableContent)
            #expect(try await server.services.database.read { try Customer.fetchCount($0) } == 0)
            let imported = try await client.sendCSV("/api/v1/customers/import", auth: key, csv)
            #expect(try imported.json()["imported"] as? Int == 2)
            let export = try await client.send(.get, "/api/v1/customers/export?kind=person", auth: key)
            #expect(
                export.text == CSVResponse.line(CustomerCSV.columns)
                    + CSVResponse.line(["person", "Anna Beck", "", "", "", "", "", "Celle", "", "", "", ""]))
        }
    }
}
