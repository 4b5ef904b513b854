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

/// Recipients through the API and the pages: enrolled with the day of their heat, checked at the
/// chute, paired on the transfer-day worklist with embryos in synchrony, held to the synchrony
/// rule by the witnessed transfer, counted in the statistics; every refusal changing nothing.
@Suite struct RecipientTests {
    private func field(_ body: [String: Any]) -> String? {
        (body["error"] as? [String: Any])?["field"] as? String
    }

    private func days(_ offset: Int) -> String { Day.adding(offset, to: Day.today) ?? "" }

    /// Two embryos flushed today from Daisy by Bruno, day 7: a 7-1 and a 6-2.
    private func embryos(_ client: some TestClientProtocol, key: String) async throws -> [Int] {
        let donor = try await client.newAnimal(auth: key, name: "Daisy")
        let sire = try await client.newAnimal(auth: key, name: "Bruno", sex: "male")
        let graded = try await client.postJSON(
            "/api/v1/embryos", auth: key,
            [
                "donor_id": donor, "sire_id": sire, "day": 7,
                "embryos": [["stage": 7, "grade": 1], ["stage": 6, "grade": 2]],
            ])
        return try #require(graded["items"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
    }

    @Test func checkedRecipientsArePairedInSynchronyAndTheTransferHoldsToIt() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(TestServer.reproductionScopes)
        let director = try await server.signIn(.director)
        let technician = try await server.user(.technician)
        try await server.test { client in
            let embryos = try await self.embryos(client, key: key)
            let (rosie, bella, clara) = (
                try await client.newAnimal(auth: key, name: "Rosie"),
                try await client.newAnimal(auth: key, name: "Bella"),
                try await client.newAnimal(auth: key, name: "Clara")
            )

            let enrolled = try await step(
                "enrol three recipients; a male, a bad day, a long text, a second enrolment are refused"
            ) {
                let bull = try await client.newAnimal(auth: key, name: "Max", sex: "male")
                let before = try await server.auditEvents().count
                for (body, expected) in [
                    (["animal_id": bull, "oestrus_on": days(-7)], "animal_id"),
                    (["animal_id": rosie, "oestrus_on": "2026-02-30"], "oestrus_on"),
                    (["animal_id": rosie, "protocol": String(repeating: "x", count: 201)], "protocol"),
                ] as [([String: Any], String)] {
                    let refused = try await client.postJSON(
                        "/api/v1/recipients", auth: key, body, expect: .unprocessableContent)
                    #expect(field(refused) == expected)
                }
                #expect(try await server.auditEvents().count == before)
                var ids: [Int] = []
                for (animal, oestrus) in [(rosie, -7), (bella, -9), (clara, -7)] {
                    let created = try await client.postJSON(
                        "/api/v1/recipients", auth: key,
                        ["animal_id": animal, "protocol": "Ovsynch", "oestrus_on": days(oestrus)])
                    #expect(created["status"] as? String == "available")
                    #expect(created["cycle_day"] as? Int == -oestrus)
                    ids.append(try #require(created["id"] as? Int))
                }
                let again = try await client.postJSON(
                    "/api/v1/recipients", auth: key, ["animal_id": rosie], expect: .conflict)
                #expect(field(again) == "animal_id")
                return ids
            }

            try await step("all three are due today and wait to be checked") {
                let day = try await client.send(.get, "/api/v1/transfer-day", auth: key).json()
                #expect((day["to_check"] as? [[String: Any]])?.count == 3)
                #expect((day["pairs"] as? [[String: Any]])?.isEmpty == true)
                #expect((day["embryos"] as? [[String: Any]])?.count == 2)
                #expect(day["tolerance"] as? Int == 1)
            }

            try await step("checks at the chute; bad findings are refused and change nothing") {
                let before = try await server.auditEvents().count
                for (body, expected) in [
                    ([:], "cl_present"), (["cl_present": true], "cl_side"),
                    (["cl_present": true, "cl_side": "left", "cl_score": 4], "cl_score"),
                    (["cl_present": true, "cl_side": "left", "suitable": false, "skip_reason": "other"], "skip_note"),
                    (["cl_present": true, "cl_side": "left", "suitable": false, "skip_reason": "moon"], "skip_reason"),
                ] as [([String: Any], String)] {
                    let refused = try await client.postJSON(
                        "/api/v1/recipients/\(enrolled[0])/checks", auth: key, body, expect: .unprocessableContent)
                    #expect(field(refused) == expected, "\(body)")
                }
                #expect(try await server.auditEvents().count == before)
                let rosieCheck = try await client.postJSON(
                    "/api/v1/recipients/\(enrolled[0])/checks", auth: key,
                    ["cl_present": true, "cl_side": "left", "cl_score": 1])
                #expect(rosieCheck["suitable"] as? Bool == true)
                let twice = try await client.postJSON(
                    "/api/v1/recipients/\(enrolled[0])/checks", auth: key, ["cl_present": false], expect: .conflict)
                #expect(field(twice) == "checked_on")
                let claraCheck = try await client.postJSON(
                    "/api/v1/recipients/\(enrolled[2])/checks", auth: key, ["cl_present": false])
                #expect(claraCheck["skip_reason"] as? String == "no_cl")
                _ = try await client.postJSON(
                    "/api/v1/recipients/\(enrolled[1])/checks", auth: key,
                    ["cl_present": true, "cl_side": "right", "cl_score": 2])
                let skipped = try await client.send(.get, "/api/v1/recipients/\(enrolled[2])", auth: key).json()
                #expect(skipped["status"] as? String == "skipped")
                let events = try await server.auditEvents().suffix(4).map(\.action)
                #expect(events == ["recipient.check", "recipient.check", "recipient.skip", "recipient.check"])
            }

            try await step("the worklist pairs in chute order, fresh grade 1 first, only within ±1 day") {
                let day = try await client.send(.get, "/api/v1/transfer-day?on=\(days(0))", auth: key).json()
                let pairs = try #require(day["pairs"] as? [[String: Any]])
                #expect(
                    pairs.compactMap { ($0["recipient"] as? [String: Any])?["animal"] as? String } == [
                        "Rosie", "Bella",
                    ])
                #expect((pairs[0]["embryo"] as? [String: Any])?["embryo_id"] as? Int == embryos[0])
                #expect(pairs[0]["synchrony"] as? Int == 0)
                // Bella is on day 9: no day-7 embryo is within one day of her.
                #expect(pairs[1]["embryo"] == nil)
                #expect((day["skipped"] as? [[String: Any]])?.count == 1)
                #expect((day["embryos"] as? [[String: Any]])?.compactMap { $0["embryo_id"] as? Int } == [embryos[1]])
                let filtered = try await client.send(.get, "/api/v1/transfer-day?max_grade=1", auth: key).json()
                #expect((filtered["embryos"] as? [[String: Any]])?.isEmpty == true)
                let bad = try await client.send(.get, "/api/v1/transfer-day?on=tomorrow", auth: key)
                #expect(bad.status == .badRequest)
            }

            func transfer(_ recipient: Int64, _ embryo: Int, expect status: HTTPResponse.Status) async throws
                -> [String: Any]
            {
                try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    [
                        "recipient_id": recipient, "embryo_ids": [embryo], "transferred_on": days(0),
                        "witness": ["email": technician.email, "password": TestServer.password],
                    ], expect: status)
            }

            try await step("a transfer out of synchrony or to a skipped recipient is refused and changes nothing") {
                let before = try await server.auditEvents().count
                let outOfSync = try await transfer(bella, embryos[1], expect: .conflict)
                #expect(field(outOfSync) == "embryo_ids")
                #expect(
                    ((outOfSync["error"] as? [String: Any])?["message"] as? String)?.contains("cycle day 9") == true)
                let skipped = try await transfer(clara, embryos[1], expect: .conflict)
                #expect(field(skipped) == "recipient_id")
                #expect(try await server.auditEvents().count == before)
                let embryo = try await client.send(.get, "/api/v1/embryos/\(embryos[1])", auth: key).json()
                #expect(embryo["fate"] as? String == "in_culture")
                let bellaNow = try await client.send(.get, "/api/v1/recipients/\(enrolled[1])", auth: key).json()
                #expect(bellaNow["status"] as? String == "available")
            }

            let transferID = try await step("the paired transfer uses Rosie's enrolment, in its transaction") {
                let made = try await transfer(rosie, embryos[0], expect: .created)
                let id = try #require((made["transfer"] as? [String: Any])?["id"] as? Int ?? made["id"] as? Int)
                let used = try await client.send(.get, "/api/v1/recipients/\(enrolled[0])", auth: key).json()
                #expect(used["status"] as? String == "used")
                #expect(used["transfer_id"] as? Int == id)
                #expect(try await server.auditEvents().contains { $0.action == "recipient.use" })
                let day = try await client.send(.get, "/api/v1/transfer-day", auth: key).json()
                #expect((day["transferred"] as? [[String: Any]])?.first?["animal"] as? String == "Rosie")
                let changed = try await client.send(
                    .patch, "/api/v1/recipients/\(enrolled[0])", auth: key, json: ["protocol": "x"])
                #expect(changed.status == .conflict)
                return id
            }

            try await step("Rosie's page lists her enrolment, used by the transfer") {
                let page = try await client.send(.get, "/animals/\(rosie)", session: director)
                #expect(page.text.contains("/reproduction/recipients/\(enrolled[0])"))
                #expect(page.text.contains("As a recipient (1)"))
                #expect(page.text.contains("used · transfer #\(transferID)"))
            }

            try await step("Clara is synchronised again; retiring needs a reason") {
                let again = try await client.send(
                    .patch, "/api/v1/recipients/\(enrolled[2])", auth: key, json: ["oestrus_on": days(-6)])
                #expect(try again.json()["status"] as? String == "available")
                let noReason = try await client.send(
                    .patch, "/api/v1/recipients/\(enrolled[2])", auth: key, json: ["status": "retired"])
                #expect(noReason.status == .unprocessableContent)
                let bad = try await client.send(
                    .patch, "/api/v1/recipients/\(enrolled[2])", auth: key, json: ["status": "used"])
                #expect(bad.status == .unprocessableContent)
            }

            try await step("pregnancy rate by CL score and by synchrony") {
                _ = try await client.postJSON(
                    "/api/v1/transfers/\(transferID)/pregnancy-checks", auth: key,
                    ["method": "ultrasound", "result": "pregnant"])
                for (by, key_) in [("cl_score", "CL score 1"), ("synchrony", "0")] {
                    let stats = try await client.send(
                        .get, "/api/v1/reproduction/stats?by=\(by)&from=\(days(-30))", auth: key
                    ).json()
                    let rows = try #require(stats["items"] as? [[String: Any]])
                    #expect(rows.count == 1, "\(by)")
                    #expect(rows.first?["key"] as? String == key_)
                    #expect(rows.first?["pregnant"] as? Int == 1)
                }
            }
        }
    }

    @Test func theChuteWorksInTheBrowserAndLinksToTheWitnessedTransferForm() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(TestServer.reproductionScopes)
        let technician = try await server.signIn(.technician)
        let auditor = try await server.signIn(.auditor)
        try await server.test { client in
            let embryos = try await self.embryos(client, key: key)
            let rosie = try await client.newAnimal(auth: key, name: "Rosie")

            let page = try await step("enrol her from the form; a bad day shows the form again") {
                let form = try await client.send(.get, "/reproduction/recipients/new", session: technician)
                #expect(form.text.contains("data-pick=\"/api/v1/animals/lookup?sex=female\""))
                let bad = try await client.sendForm(
                    "/reproduction/recipients", session: technician,
                    ["animal_id": String(rosie), "protocol": "Ovsynch", "oestrus_on": "2026-13-01"])
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains("Give the day of her oestrus"))
                let created = try await client.sendForm(
                    "/reproduction/recipients", session: technician,
                    ["animal_id": String(rosie), "protocol": "Ovsynch", "oestrus_on": days(-7)])
                #expect(created.status == .seeOther)
                return try #require(created.headers[.location])
            }

            try await step("her page and the list show her cycle day") {
                let detail = try await client.send(.get, page, session: technician)
                #expect(detail.text.contains("<dd>7</dd>"))
                let list = try await client.send(.get, "/reproduction/recipients", session: technician)
                #expect(list.text.contains("Rosie"))
            }

            try await step("checked on the worklist, which it goes back to") {
                let day = try await client.send(.get, "/reproduction/transfer-day", session: technician)
                #expect(day.text.contains("name=\"worklist_day\" value=\"\(days(0))\""))
                let readOnly = try await client.send(.get, "/reproduction/transfer-day", session: auditor)
                #expect(readOnly.status == .ok)
                #expect(!readOnly.text.contains("worklist_day"))
                let checked = try await client.sendForm(
                    page + "/checks", session: technician,
                    ["cl": "left", "cl_score": "1", "checked_on": days(0), "worklist_day": days(0)])
                #expect(checked.status == .seeOther)
                #expect(checked.headers[.location] == "/reproduction/transfer-day?on=\(days(0))")
                let forbidden = try await client.sendForm(page + "/checks", session: auditor, ["cl": "none"])
                #expect(forbidden.status == .forbidden)
            }

            try await step("the pairing links to the transfer form, filled in") {
                let day = try await client.send(.get, "/reproduction/transfer-day", session: technician)
                let link =
                    "/reproduction/transfers/new?recipient_id=\(rosie)&amp;embryo_id_1=\(embryos[0])"
                    + "&amp;transferred_on=\(days(0))&amp;cl_side=left&amp;cl_quality=score%201"
                #expect(day.text.contains(link), "\(day.text)")
                #expect(day.text.contains("data-print"))
                let form = try await client.send(
                    .get,
                    "/reproduction/transfers/new?recipient_id=\(rosie)&embryo_id_1=\(embryos[0])&cl_side=left&cl_quality=score%201",
                    session: technician)
                #expect(form.text.contains("name=\"recipient_id\" data-pick=\"/api/v1/animals/lookup?sex=female\""))
                #expect(form.text.contains("value=\"\(rosie)\" required"))
                #expect(form.text.contains("value=\"score 1\""))
                #expect(form.text.contains("<option value=\"left\" selected>"))
            }

            try await step("the statistics page has the recipient tables") {
                let stats = try await client.send(.get, "/reproduction/stats", session: technician)
                #expect(stats.text.contains("Pregnancy by recipient"))
            }
        }
    }
}
