import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Admin-defined fields on animals, customers and samples (decision 0043), through the real HTTP stack.
@Suite struct CustomFieldsTests {
    /// Adds a field through the API as an admin; its id.
    private func addField(_ client: some TestClientProtocol, auth: String, _ body: [String: Any]) async throws -> Int {
        let created = try await client.postJSON("/api/v1/custom-fields", auth: auth, body)
        return try #require(created["id"] as? Int)
    }

    /// A record's `custom_fields` as text, numbers as JSON writes them.
    private func values(_ response: TestResponse) throws -> [String: String] {
        try #require(try response.json()["custom_fields"] as? [String: Any]).mapValues { "\($0)" }
    }

    /// The four kinds on animals: a bounded text, a number in cm, a date and a choice.
    private func addAnimalFields(_ client: some TestClientProtocol, auth: String) async throws -> [String: Int] {
        [
            "coat": try await addField(
                client, auth: auth,
                [
                    "entity_type": "animal", "key": "coat", "label": "Coat colour", "kind": "choice",
                    "choices": ["black", "red", "white"],
                ]),
            "height": try await addField(
                client, auth: auth,
                [
                    "entity_type": "animal", "species": "bovine", "key": "height", "label": "Height", "kind": "number",
                    "unit": "cm", "minimum": 50, "maximum": 250, "required": true,
                ]),
            "vaccinated": try await addField(
                client, auth: auth,
                ["entity_type": "animal", "key": "vaccinated", "label": "Vaccinated on", "kind": "date"]),
            "herd": try await addField(
                client, auth: auth,
                ["entity_type": "animal", "key": "herd", "label": "Herd", "kind": "text", "max_length": 10]),
        ]
    }

    @Test func definitionsAreWrittenByAdminsAndReadByEveryoneSignedIn() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let id = try await addField(
                client, auth: admin,
                ["entity_type": "sample", "key": "site", "label": "Collection site", "kind": "text"])
            // Everyone signed in reads the definitions; only admins write them.
            let listed = try await client.send(.get, "/api/v1/custom-fields?entity_type=sample", session: technician)
            let items = try #require(try listed.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["key"] as? String } == ["site"])
            #expect(items.first?["max_length"] as? Int == 200)
            let refused = try await client.send(
                .post, "/api/v1/custom-fields", session: technician,
                json: ["entity_type": "sample", "key": "other", "label": "Other", "kind": "text"])
            #expect(refused.status == .forbidden)
            // The key is unique per record type and never changes; nor does the kind.
            let again = try await client.send(
                .post, "/api/v1/custom-fields", auth: admin,
                json: ["entity_type": "sample", "key": "site", "label": "Site", "kind": "text"])
            #expect(again.status == .conflict)
            for change in [["key": "place"], ["kind": "number"]] {
                let response = try await client.send(.patch, "/api/v1/custom-fields/\(id)", auth: admin, json: change)
                #expect(response.status == .unprocessableContent)
                #expect(try response.apiError()["field"] as? String == change.keys.first)
            }
            // Rules that do not fit the kind, a bad key, a choice field without options.
            for (body, field) in [
                (["entity_type": "sample", "key": "Bad-Key", "label": "x", "kind": "text"], "key"),
                (["entity_type": "sample", "key": "w", "label": "W", "kind": "text", "unit": "kg"], "unit"),
                (["entity_type": "sample", "key": "c", "label": "C", "kind": "choice"], "choices"),
                (
                    ["entity_type": "customer", "species": "bovine", "key": "s", "label": "S", "kind": "text"],
                    "species"
                ),
                (
                    ["entity_type": "sample", "key": "n", "label": "N", "kind": "number", "minimum": 5, "maximum": 1],
                    "minimum"
                ),
            ] as [([String: Any], String)] {
                let response = try await client.send(.post, "/api/v1/custom-fields", auth: admin, json: body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(try response.apiError()["field"] as? String == field, "\(body)")
            }
            // Archived: off the default list, still there for those who ask.
            let archived = try await client.send(
                .patch, "/api/v1/custom-fields/\(id)", auth: admin, json: ["archived": true, "label": "Site (old)"])
            #expect(try archived.json()["archived"] as? Bool == true)
            let active = try await client.send(.get, "/api/v1/custom-fields", session: technician)
            #expect((try active.json()["items"] as? [[String: Any]])?.isEmpty == true)
            let all = try await client.send(.get, "/api/v1/custom-fields?include_archived=true", session: technician)
            #expect((try all.json()["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func valuesAreCheckedPerKindAndStoredAsAcknowledged() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            _ = try await addAnimalFields(client, auth: admin)
            let refusals: [(Any, String, String)] = [
                (["colour": "black"], "custom_fields.colour", "No animal custom field"),
                (["height": "tall"], "custom_fields.height", "Give a number"),
                (["height": 300], "custom_fields.height", "from 50 to 250 cm"),
                (["coat": "green"], "custom_fields.coat", "Choose one of: black, red, white"),
                (["herd": "North ridge herd"], "custom_fields.herd", "At most 10 characters"),
                (["vaccinated": "12.04.2026"], "custom_fields.vaccinated", "YYYY-MM-DD"),
                (["coat": true], "custom_fields.coat", "Give text"),
                (["coat": "red"], "custom_fields.height", "Height is required"),
            ]
            for (values, field, message) in refusals {
                let response = try await client.send(
                    .post, "/api/v1/animals", auth: admin,
                    json: ["species": "bovine", "name": "Refused", "custom_fields": values])
                #expect(response.status == .unprocessableContent, "\(values)")
                let error = try response.apiError()
                #expect(error["field"] as? String == field, "\(values)")
                #expect((error["message"] as? String)?.contains(message) == true, "\(error)")
            }
            // Height is for cattle only: a horse needs none, and may not have one.
            let horse = try await client.send(
                .post, "/api/v1/animals", auth: admin,
                json: ["species": "equine", "name": "Storm", "custom_fields": ["height": 160]])
            #expect(try horse.apiError()["message"] as? String == "Height is only for bovine.")
            let created = try await client.send(
                .post, "/api/v1/animals", auth: admin,
                json: [
                    "species": "bovine", "name": "Berta",
                    "custom_fields": [
                        "coat": " red ", "height": 142.5, "vaccinated": "2026-04-12", "herd": "North",
                    ],
                ])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(try created.json()["id"] as? Int)
            let expected = ["coat": "red", "height": "142.5", "vaccinated": "2026-04-12", "herd": "North"]
            #expect(try values(created) == expected)
            #expect(try values(try await client.send(.get, "/api/v1/animals/\(id)", auth: admin)) == expected)
            // A change sets what it names, clears what it sends empty, keeps the rest; it may not clear a required one.
            let changed = try await client.send(
                .patch, "/api/v1/animals/\(id)", auth: admin, json: ["custom_fields": ["herd": "", "coat": "black"]])
            #expect(try values(changed) == ["coat": "black", "height": "142.5", "vaccinated": "2026-04-12"])
            let cleared = try await client.send(
                .patch, "/api/v1/animals/\(id)", auth: admin, json: ["custom_fields": ["height": NSNull()]])
            #expect(try cleared.apiError()["field"] as? String == "custom_fields.height")
            // The list shows them too, and filters by one.
            let listed = try await client.send(.get, "/api/v1/animals?cf.coat=black&cf.height=142.5", auth: admin)
            let items = try #require(try listed.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? Int } == [id])
            #expect((items.first?["custom_fields"] as? [String: Any])?["coat"] as? String == "black")
            let none = try await client.send(.get, "/api/v1/animals?cf.coat=red", auth: admin)
            #expect((try none.json()["items"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func valuesAreAuditedInTheRecordsTransaction() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            _ = try await addField(
                client, auth: admin,
                ["entity_type": "sample", "key": "site", "label": "Collection site", "kind": "text"])
            var body = TestServer.sampleBody()
            body["custom_fields"] = ["site": "Farm Nord"]
            let sample = try await client.postJSON("/api/v1/samples", auth: admin, body)
            let id = try #require(sample["id"] as? Int)
            #expect((sample["custom_fields"] as? [String: Any])?["site"] as? String == "Farm Nord")
            // Samples are regulated: a change of a value needs a reason, as every other change does.
            let unexplained = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: admin, json: ["custom_fields": ["site": "Farm Süd"]])
            #expect(try unexplained.apiError()["field"] as? String == "reason")
            let changed = try await client.send(
                .patch, "/api/v1/samples/\(id)", auth: admin,
                json: ["custom_fields": ["site": "Farm Süd"], "reason": "mislabelled"])
            #expect((try changed.json()["custom_fields"] as? [String: Any])?["site"] as? String == "Farm Süd")
        }
        let events = try await server.auditEvents().filter { $0.action == "sample.custom_fields" }
        #expect(events.map(\.after) == [#"{"site":"Farm Nord"}"#, #"{"site":"Farm Süd"}"#])
        #expect(events.map(\.before) == [nil, #"{"site":"Farm Nord"}"#])
        #expect(events.last?.reason == "mislabelled")
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func searchExportsAndCustomersCarryTheValues() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let fields = try await addAnimalFields(client, auth: admin)
            _ = try await addField(
                client, auth: admin,
                ["entity_type": "customer", "key": "region", "label": "Sales region", "kind": "text"])
            let animal = try await client.postJSON(
                "/api/v1/animals", auth: admin,
                ["species": "bovine", "name": "Berta", "custom_fields": ["height": 140, "herd": "Glarus"]])
            let customer = try await client.postJSON(
                "/api/v1/customers", auth: admin, ["name": "Alp Farm", "custom_fields": ["region": "Engadin"]])
            #expect((customer["custom_fields"] as? [String: Any])?["region"] as? String == "Engadin")
            // Searching a value finds its record, the field named in the passage.
            let found = try await client.send(.get, "/api/v1/search?q=glarus", auth: admin)
            let hit = try #require((try found.json()["items"] as? [[String: Any]])?.first)
            #expect(hit["type"] as? String == "animal" && hit["id"] as? Int == animal["id"] as? Int)
            #expect((hit["snippet"] as? String)?.contains("Herd: <mark>Glarus</mark>") == true)
            let region = try await client.send(.get, "/api/v1/search?q=engadin", auth: admin)
            #expect((try region.json()["items"] as? [[String: Any]])?.first?["type"] as? String == "customer")
            // A column per active field, after the record's own.
            let export = try await client.send(.get, "/api/v1/animals/export", auth: admin)
            let lines = export.text.split(separator: "\r\n")
            #expect(lines.first?.hasSuffix(",notes,cf.coat,cf.height,cf.herd,cf.vaccinated") == true, "\(lines)")
            #expect(lines.last?.hasSuffix(",,140,Glarus,") == true, "\(lines)")
            // An archived field leaves the export, not the record.
            _ = try await client.send(
                .patch, "/api/v1/custom-fields/\(fields["herd"] ?? 0)", auth: admin, json: ["archived": true])
            let after = try await client.send(.get, "/api/v1/animals/export", auth: admin)
            #expect(after.text.split(separator: "\r\n").first?.hasSuffix(",cf.height,cf.vaccinated") == true)
            let customers = try await client.send(.get, "/api/v1/customers/export", auth: admin)
            #expect(customers.text.contains("cf.region") && customers.text.contains("Engadin"))
        }
    }

    @Test func formsOfferActiveFieldsAndDetailPagesKeepArchivedValues() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let fields = try await addAnimalFields(client, auth: admin)
            let form = try await client.send(.get, "/animals/new", session: technician)
            #expect(form.text.contains(#"name="custom_fields[coat]""#))
            #expect(form.text.contains(#"data-species="bovine""#))
            #expect(form.text.contains(#"type="number" step="any" min="50" max="250""#))
            #expect(form.text.contains(#"name="custom_fields[vaccinated]" type="date""#))
            // The browser's text: a number read as one (a decimal comma too); empty ones not kept.
            let posted = try await client.sendForm(
                "/animals", session: technician,
                [
                    "species": "bovine", "name": "Flora", "sex": "female", "custom_fields[height]": "131,5",
                    "custom_fields[coat]": "white", "custom_fields[herd]": "", "custom_fields[vaccinated]": "",
                ])
            #expect(posted.status == .seeOther, "\(posted.text)")
            let location = try #require(posted.headers[.location])
            let detail = try await client.send(.get, location, session: technician)
            #expect(detail.text.contains("<dt>Height</dt><dd>131.5 cm</dd>"))
            let id = try #require(Int(location.split(separator: "/").last ?? ""))
            let stored = try await client.send(.get, "/api/v1/animals/\(id)", auth: admin)
            #expect(try values(stored) == ["height": "131.5", "coat": "white"])
            // A value that is not one comes back on the form, named.
            let refused = try await client.sendForm(
                "/animals", session: technician,
                ["species": "bovine", "name": "Wrong", "custom_fields[height]": "tall"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Give a number.") && refused.text.contains(#"value="tall""#))
            // Archived: off the forms, its value still shown and still in the API.
            _ = try await client.send(
                .patch, "/api/v1/custom-fields/\(fields["coat"] ?? 0)", auth: admin, json: ["archived": true])
            let later = try await client.send(.get, "/animals/new", session: technician)
            #expect(!later.text.contains("custom_fields[coat]"))
            let kept = try await client.send(.get, location, session: technician)
            #expect(kept.text.contains("<dt>Coat colour</dt><dd>white</dd>"))
            #expect(!kept.text.contains("custom_fields[coat]"))
            let changed = try await client.send(
                .patch, "/api/v1/animals/\(id)", auth: admin, json: ["custom_fields": ["coat": "black"]])
            #expect(
                try changed.apiError()["message"] as? String
                    == "Coat colour is archived: its values are kept, not changed.")
            // The admin pages list and edit the fields.
            let adminSession = try await server.signIn(.admin)
            let list = try await client.send(.get, "/admin/custom-fields", session: adminSession)
            #expect(list.text.contains("Coat colour") && list.text.contains("archived"))
            let edited = try await client.sendForm(
                "/admin/custom-fields/\(fields["height"] ?? 0)", session: adminSession,
                ["label": "Withers height", "unit": "cm", "minimum": "40", "maximum": "250", "required": "true"])
            #expect(edited.status == .seeOther, "\(edited.text)")
            let height = try await client.send(.get, "/api/v1/custom-fields/\(fields["height"] ?? 0)", auth: admin)
            #expect(try height.json()["label"] as? String == "Withers height")
            #expect(try height.json()["minimum"] as? Double == 40)
            let added = try await client.sendForm(
                "/admin/custom-fields", session: adminSession,
                [
                    "entity_type": "sample", "species": "", "key": "site", "label": "Site", "kind": "choice",
                    "choices": "North\r\nSouth\r\n",
                ])
            #expect(added.status == .seeOther, "\(added.text)")
            let site = try await client.send(.get, "/api/v1/custom-fields?entity_type=sample", auth: admin)
            #expect(
                (try site.json()["items"] as? [[String: Any]])?.first?["choices"] as? [String] == ["North", "South"])
        }
    }
}
