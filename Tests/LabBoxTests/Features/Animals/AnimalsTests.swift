import Animals
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

@Suite struct AnimalsTests {
    private func animal(_ client: some TestClientProtocol, key: String, _ body: [String: Any]) async throws -> Int {
        let response = try await client.send(.post, "/api/v1/animals", auth: key, json: body)
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json()["id"] as? Int)
    }

    @Test func identifiersAreUniquePerSpeciesAndType() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:read", "animals:write"])
        try await server.test { client in
            let tag = ["type": "ear_tag", "value": "DE 01 234 56789"]
            let first = try await animal(
                client, key: key, ["species": "bovine", "name": "Berta", "identifiers": [tag]])
            let clash = try await client.send(
                .post, "/api/v1/animals", auth: key, json: ["species": "bovine", "identifiers": [tag]])
            #expect(clash.status == .conflict)
            #expect(try clash.apiError()["field"] as? String == "identifiers")
            _ = try await animal(client, key: key, ["species": "ovine", "identifiers": [tag]])
            let chip = try await animal(
                client, key: key,
                ["species": "bovine", "identifiers": [["type": "microchip", "value": tag["value"]!]]])
            let found = try await client.send(.get, "/api/v1/animals?q=DE%2001%20234%2056789&species=bovine", auth: key)
            let ids = try #require(try found.json()["items"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            #expect(ids == [first, chip])  // the same number as a microchip is another identifier
            let detail = try await client.send(.get, "/api/v1/animals/\(first)", auth: key)
            #expect(try detail.json()["identifiers"] as? [[String: String]] == [tag])
        }
        // The first animal's creation wrote nothing half: the clash left no animal behind.
        #expect(try await server.services.database.read { try Animal.fetchCount($0) } == 3)
    }

    @Test func parentsMustFitAndCyclesAreRefused() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:read", "animals:write"])
        try await server.test { client in
            let grandsire = try await animal(
                client, key: key, ["species": "bovine", "name": "Old Bull", "sex": "male"])
            let dam = try await animal(client, key: key, ["species": "bovine", "name": "Dam", "sex": "female"])
            let sire = try await animal(
                client, key: key, ["species": "bovine", "name": "Young Bull", "sex": "male", "sire_id": grandsire])
            let calf = try await animal(
                client, key: key, ["species": "bovine", "name": "Calf", "sex": "male", "sire_id": sire, "dam_id": dam])

            let cycle = try await client.send(
                .patch, "/api/v1/animals/\(grandsire)", auth: key, json: ["sire_id": calf])
            #expect(cycle.status == .unprocessableContent)
            #expect((try cycle.apiError()["message"] as? String)?.contains("own ancestor") == true)
            let selfParent = try await client.send(
                .patch, "/api/v1/animals/\(sire)", auth: key, json: ["sire_id": sire])
            #expect(selfParent.status == .unprocessableContent)
            let femaleSire = try await client.send(.patch, "/api/v1/animals/\(calf)", auth: key, json: ["sire_id": dam])
            #expect(try femaleSire.apiError()["field"] as? String == "sire_id")
            let horse = try await animal(client, key: key, ["species": "equine", "sex": "male"])
            let otherSpecies = try await client.send(
                .patch, "/api/v1/animals/\(calf)", auth: key, json: ["sire_id": horse])
            #expect(otherSpecies.status == .unprocessableContent)
            let future = try await client.send(
                .post, "/api/v1/animals", auth: key, json: ["species": "bovine", "birth_date": "2999-01-01"])
            #expect(try future.apiError()["field"] as? String == "birth_date")

            let pedigree = try await client.send(.get, "/api/v1/animals/\(calf)/pedigree?generations=2", auth: key)
            let root = try #require(try pedigree.json()["root"] as? [String: Any])
            let sireNode = try #require(root["sire"] as? [String: Any])
            #expect(sireNode["name"] as? String == "Young Bull")
            #expect((sireNode["sire"] as? [String: Any])?["name"] as? String == "Old Bull")
            #expect((root["dam"] as? [String: Any])?["dam"] is NSNull)
            let offspring = try await client.send(.get, "/api/v1/animals/\(grandsire)/pedigree", auth: key)
            #expect(
                (try offspring.json()["offspring"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Young Bull"]
            )
            let tooDeep = try await client.send(.get, "/api/v1/animals/\(calf)/pedigree?generations=9", auth: key)
            #expect(try tooDeep.apiError()["field"] as? String == "generations")
        }
    }

    @Test func animalPagesShowPedigreeAndHistory() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:write"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let sire = try await animal(client, key: key, ["species": "equine", "name": "Totilas", "sex": "male"])
            let foal = try await animal(client, key: key, ["species": "equine", "name": "Foal", "sire_id": sire])
            let page = try await client.execute(
                uri: "/animals/\(foal)?tab=pedigree", method: .get, headers: session.headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("Totilas"))
            #expect(page.text.contains("dam unknown"))
            let list = try await client.execute(uri: "/animals?species=equine", method: .get, headers: session.headers)
            #expect(list.text.contains("Totilas") && list.text.contains("Foal"))
        }
    }
}

@Suite struct AnimalsCSVTests {
    @Test func animalsImportChecksIdentifiersAndParents() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:read", "animals:write"])
        try await server.test { client in
            let sire = try #require(
                try await client.send(.post, "/api/v1/animals", auth: key, json: ["species": "bovine", "sex": "male"])
                    .json()["id"] as? Int)
            let bad =
                "species,name,sex,sire_id,ear_tag\r\n"
                + "bovine,Berta,female,\(sire),DE 01 1\r\n"
                + "bovine,Clara,female,\(sire),DE 01 1\r\n"
                + "bovine,Dora,female,999,\r\n"
                + "equine,Eos,female,\(sire),\r\n"
            let check = try await client.sendCSV("/api/v1/animals/import/check", auth: key, bad)
            let problems = try #require(try check.json()["problems"] as? [[String: Any]])
            #expect(problems.map { $0["row"] as? Int } == [3, 4, 5])
            #expect(problems.map { $0["field"] as? String } == ["ear_tag", "sire_id", "sire_id"])
            let good =
                "species,name,sex,sire_id,ear_tag,microchip,birth_date\r\n"
                + "bovine,Berta,female,\(sire),DE 01 1;DE 01 2,27609,12.04.2021\r\n"
            let imported = try await client.sendCSV("/api/v1/animals/import", auth: key, good)
            #expect(imported.status == .created)
            let found = try await client.send(.get, "/api/v1/animals?q=27609", auth: key)
            let berta = try #require((try found.json()["items"] as? [[String: Any]])?.first)
            #expect(berta["name"] as? String == "Berta")
            #expect(berta["birth_date"] as? String == "2021-04-12")
            let export = try await client.send(.get, "/api/v1/animals/export?q=Berta", auth: key)
            #expect(export.text.contains("Berta,female,Holstein") == false)
            #expect(export.text.contains("\"DE 01 1; DE 01 2\"") || export.text.contains("DE 01 1; DE 01 2"))
            #expect(export.text.contains("27609"))
        }
        let events = try await server.auditEvents().map(\.action)
        #expect(events.contains("animal.import") && events.contains("animal.identifiers"))
    }
}

@Suite struct AnimalBulkTests {
    @Test func assigningAnOwnerToManyAnimalsIsAllOrNothing() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:read", "animals:write", "customers:write"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let owner = try #require(
                try await client.send(.post, "/api/v1/customers", auth: key, json: ["name": "Stud Celle"]).json()["id"]
                    as? Int)
            var ids: [Int] = []
            for name in ["A", "B", "C"] {
                ids.append(
                    try #require(
                        try await client.send(
                            .post, "/api/v1/animals", auth: key, json: ["species": "equine", "name": name]
                        )
                        .json()["id"] as? Int))
            }
            let refused = try await client.send(
                .post, "/api/v1/animals/bulk", auth: key,
                json: ["ids": ids + [99_999], "owner_id": owner, "reason": "sold"])
            #expect(refused.status == .unprocessableContent)
            #expect(
                try #require(try refused.json()["results"] as? [[String: Any]]).map { $0["ok"] as? Bool } == [
                    true, true, true, false,
                ])
            let unchanged = try await client.send(.get, "/api/v1/animals/\(ids[0])", auth: key)
            #expect(try unchanged.json()["owner_id"] == nil || (try unchanged.json()["owner_id"] is NSNull))

            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let form = "_csrf=\(session.csrf)&ids[]=\(ids[0])&ids[]=\(ids[1])&owner_id=\(owner)&status=&reason=sold"
            let done = try await client.execute(
                uri: "/animals/bulk", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(done.status == .seeOther)
            for id in ids.prefix(2) {
                #expect(
                    try await client.send(.get, "/api/v1/animals/\(id)", auth: key).json()["owner_id"] as? Int == owner)
            }
            #expect(try await client.send(.get, "/api/v1/animals/\(ids[2])", auth: key).json()["owner_id"] == nil)
        }
    }
}
