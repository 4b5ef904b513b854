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

/// The whole workflow, from semen collection and OPU to the calf, across the sub-features.
@Suite struct ReproductionTests {
    struct Herd {
        let donor: Int64
        let sire: Int64
        let recipient: Int64
        let goblet: Int
    }

    /// A donor, a sire, two recipients' worth of animals and tank T1 / C1 / G1 (4 straws) + G2 (4).
    private func herd(_ client: some TestClientProtocol, key: String, admin: String) async throws -> Herd {
        func container(_ body: [String: Any]) async throws -> Int {
            let response = try await client.send(.post, "/api/v1/storage/containers", auth: admin, json: body)
            return try #require(try response.json()["id"] as? Int)
        }
        let tank = try await container(["kind": "tank", "name": "T1"])
        let canister = try await container(["kind": "canister", "name": "C1", "parent_id": tank])
        let goblet = try await container(["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 4])
        _ = try await container(["kind": "goblet", "name": "G2", "parent_id": canister, "columns": 4])
        return Herd(
            donor: try await client.newAnimal(auth: key, name: "Daisy"),
            sire: try await client.newAnimal(auth: key, name: "Bruno", sex: "male"),
            recipient: try await client.newAnimal(auth: key, name: "Rosie"), goblet: goblet)
    }

    /// A form's picker: `GET /api/v1/<resource>/lookup?<query>`'s matches.
    private func lookup(_ client: some TestClientProtocol, key: String, _ resource: String, _ query: String)
        async throws -> [[String: Any]]
    {
        let response = try await client.send(.get, "/api/v1/\(resource)/lookup?\(query)", auth: key)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["items"] as? [[String: Any]])
    }

    /// The `error.field` of a refusal's body.
    private func field(_ refusal: [String: Any]) -> String? {
        (refusal["error"] as? [String: Any])?["field"] as? String
    }

    @Test func fromSemenAndOPUToPregnancyWithComputedRatesAndTrace() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(TestServer.reproductionScopes)
        let admin = try await server.apiKey(["admin"])
        let director = try await server.signIn(.director)
        _ = try await server.user(.technician)
        try await server.test { client in
            let herd = try await step("set up the donor, sire, recipient and tank") {
                try await self.herd(client, key: key, admin: admin)
            }

            // Semen: 6 mL × 1000 ×10⁶/mL, filled into 3 straws of 20 ×10⁶ in the tank's first free slots.
            let (straws, semenStraw) = try await step("collect semen and process it into 3 straws") {
                let collection = try await client.postJSON(
                    "/api/v1/semen-collections", auth: key,
                    [
                        "sire_id": herd.sire, "collected_on": "2026-01-10", "volume_ml": 6, "concentration": 1000,
                        "total_motility": 80, "progressive_motility": 65, "normal_morphology": 85,
                    ])
                let collectionID = try #require(collection["id"] as? Int)
                let badMotility = try await client.postJSON(
                    "/api/v1/semen-collections", auth: key,
                    ["sire_id": herd.sire, "total_motility": 50, "progressive_motility": 60],
                    expect: .unprocessableContent)
                #expect(field(badMotility) == "progressive_motility")
                let straws = try #require(
                    try await client.postJSON(
                        "/api/v1/semen-collections/\(collectionID)/process", auth: key,
                        ["straws": 3, "doses_per_straw": 20, "extender": "Triladyl", "container_id": herd.goblet]
                    )["items"] as? [[String: Any]])
                #expect(straws.map { $0["status"] as? String } == ["stored", "stored", "stored"])
                #expect(straws.map { $0["position"] as? Int } == [1, 2, 3])
                return (straws, try #require(straws.first?["id"] as? Int))
            }
            let strawCode = try #require(straws.first?["external_id"] as? String)
            try await step("find the straws for the batch form's picker by a scan, the barcode's start or the sire") {
                let scanned = try await lookup(client, key: key, "samples", "q=\(strawCode)&kind=semen&available=true")
                #expect(scanned.first?["id"] as? Int == semenStraw && scanned.first?["exact"] as? Bool == true)
                #expect(
                    (scanned.first?["detail"] as? String)?.hasPrefix("Bruno · semen · stored, T1 / C1 / G1 / 1") == true
                )
                let typed = try await lookup(
                    client, key: key, "samples", "q=\(strawCode.prefix(5).lowercased())&kind=semen")
                #expect(typed.count == 3 && typed.allSatisfy { $0["exact"] as? Bool == false })
                #expect(try await lookup(client, key: key, "samples", "q=Bruno&kind=semen").count == 3)
                #expect(try await lookup(client, key: key, "samples", "q=Bruno&kind=blood").isEmpty)
            }

            // OPU: 16 follicles, 12 oocytes (4 I, 4 II, 2 III, 1 IV, 1 degenerate): 10 usable.
            let opuID = try await step("record an OPU session of 12 oocytes, 10 usable") {
                let tooMany = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key,
                    ["donor_id": herd.donor, "follicles": 16, "oocytes": 12, "grade_1": 13],
                    expect: .unprocessableContent)
                #expect(field(tooMany) == "grade_1")
                let male = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key, ["donor_id": herd.sire, "follicles": 1, "oocytes": 1],
                    expect: .unprocessableContent)
                #expect(field(male) == "donor_id")
                let opu = try await client.postJSON(
                    "/api/v1/opu-sessions", auth: key,
                    [
                        "donor_id": herd.donor, "performed_on": "2026-01-14", "operator": "Dr Vet", "follicles": 16,
                        "oocytes": 12, "grade_1": 4, "grade_2": 4, "grade_3": 2, "grade_4": 1, "degenerate": 1,
                    ])
                return try #require(opu["id"] as? Int)
            }

            // IVF with the first semen straw: it is thawed out of G1 / 1 and used.
            let batchID = try await step("fertilise the 10 oocytes with the first semen straw") {
                let batch = try await client.postJSON(
                    "/api/v1/ivf-batches", auth: key,
                    [
                        "oocytes_from": [["opu_id": opuID]], "sire_id": herd.sire, "semen_sample_id": semenStraw,
                        "fertilised_on": "2026-01-15", "medium": "SOF", "protocol": "standard",
                    ])
                let batchID = try #require((batch["batch"] as? [String: Any])?["id"] as? Int)
                #expect(batch["inseminated"] as? Int == 10)
                let usedStraw = try await client.send(.get, "/api/v1/samples/\(semenStraw)", auth: key).json()
                #expect(usedStraw["status"] as? String == "used")
                #expect(usedStraw["container_id"] is NSNull)
                let offered = try await lookup(client, key: key, "samples", "q=Bruno&kind=semen&available=true")
                #expect(offered.count == 2 && !offered.contains { $0["id"] as? Int == semenStraw })
                _ = try await client.postJSON(
                    "/api/v1/ivf-batches", auth: key, ["oocytes_from": [["opu_id": opuID]], "sire_id": herd.sire],
                    expect: .unprocessableContent)
                return batchID
            }

            // Checks: 8 cleaved on D2; 3 blastocysts on D7, 4 on D8.
            try await step("record the day 2, 7 and 8 checks and compute the rates") {
                let checks = "/api/v1/ivf-batches/\(batchID)/checks"
                _ = try await client.postJSON(
                    checks, auth: key, ["day": 2, "cleaved": 11], expect: .unprocessableContent)
                _ = try await client.postJSON(checks, auth: key, ["day": 2, "cleaved": 8])
                _ = try await client.postJSON(
                    checks, auth: key, ["day": 7, "blastocysts": 9], expect: .unprocessableContent)
                _ = try await client.postJSON(checks, auth: key, ["day": 7, "blastocysts": 3])
                let checked = try await client.postJSON(checks, auth: key, ["day": 8, "blastocysts": 4])
                // Hand-computed: 8 / 10 = 80 %, 4 / 10 = 40 %, 4 / 8 = 50 % of cleaved.
                #expect((checked["cleavage_rate"] as? [String: Any])?["percent"] as? Double == 80)
                #expect((checked["blastocyst_rate"] as? [String: Any])?["percent"] as? Double == 40)
                #expect((checked["blastocysts_per_cleaved"] as? [String: Any])?["percent"] as? Double == 50)
            }

            // Grading: 7-1, 7-2, 6-3, 5-4.
            let embryoIDs = try await step("grade four embryos 7-1, 7-2, 6-3 and 5-4") {
                let embryos = try #require(
                    try await client.postJSON(
                        "/api/v1/ivf-batches/\(batchID)/embryos", auth: key,
                        [
                            "day": 7,
                            "embryos": [
                                ["stage": 7, "grade": 1], ["stage": 7, "grade": 2], ["stage": 6, "grade": 3],
                                ["stage": 5, "grade": 4],
                            ],
                        ])["items"] as? [[String: Any]])
                #expect(embryos.first?["code"] as? String == "IVF-20260115-1-E01")
                _ = try await client.postJSON(
                    "/api/v1/ivf-batches/\(batchID)/embryos", auth: key,
                    ["day": 7, "embryos": [["stage": 10, "grade": 1]]], expect: .unprocessableContent)
                return embryos.compactMap { $0["id"] as? Int }
            }

            // Freezing: grade 3 is refused; 7-1 becomes a straw at the first free slot (G1 / 1).
            let embryoStraw = try await step("freeze the 7-1 embryo into G1 / 1, refusing grade 3") {
                _ = try await client.postJSON(
                    "/api/v1/embryos/\(embryoIDs[2])/freeze", auth: key, ["container_id": herd.goblet],
                    expect: .unprocessableContent)
                let frozen = try await client.postJSON(
                    "/api/v1/embryos/\(embryoIDs[0])/freeze", auth: key, ["container_id": herd.goblet])
                let embryoStraw = try #require(frozen["straw"] as? [String: Any])
                #expect(embryoStraw["status"] as? String == "stored")
                #expect(embryoStraw["position"] as? Int == 1)
                #expect(embryoStraw["kind"] as? String == "embryo")
                #expect((frozen["embryo"] as? [String: Any])?["fate"] as? String == "frozen")
                return embryoStraw
            }

            // The transfer form's picker: a scanned straw finds its embryo; grade 4 is not offered.
            let barcode = try #require(embryoStraw["external_id"] as? String)
            let scanned = try await lookup(client, key: key, "embryos", "q=\(barcode)&transferable=true")
            #expect(scanned.map { $0["id"] as? Int } == [embryoIDs[0]])
            #expect(scanned.first?["exact"] as? Bool == true)
            let detail = try #require(scanned.first?["detail"] as? String)
            #expect(detail == "Daisy × Bruno · bovine · frozen, T1 / C1 / G1 / 1", "\(detail)")
            let offered = try await lookup(client, key: key, "embryos", "q=ivf-20260115&transferable=true")
            #expect(Set(offered.compactMap { $0["id"] as? Int }) == Set(embryoIDs[0...2]))
            let all = try await lookup(client, key: key, "embryos", "q=IVF-20260115")
            #expect(Set(all.compactMap { $0["id"] as? Int }) == Set(embryoIDs))
            #expect(try await lookup(client, key: key, "embryos", "q=Daisy&transferable=true").count == 3)

            // Transfers need a witness who is someone else; grade 4 is never transferred.
            let technician = ["email": "technician@lab.example", "password": TestServer.password]
            let freshID = try await step("transfer the fresh 7-2 embryo before another person as witness") {
                let selfWitness = try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    [
                        "recipient_id": herd.recipient, "embryo_ids": [embryoIDs[1]],
                        "witness": ["email": "director@lab.example", "password": TestServer.password],
                    ], expect: .unprocessableContent)
                #expect(field(selfWitness) == "witness")
                let unwitnessed = try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    ["recipient_id": herd.recipient, "embryo_ids": [embryoIDs[1]]], expect: .unprocessableContent)
                #expect(field(unwitnessed) == "witness")
                _ = try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    ["recipient_id": herd.recipient, "embryo_ids": [embryoIDs[3]], "witness": technician],
                    expect: .unprocessableContent)
                let fresh = try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    [
                        "recipient_id": herd.recipient, "embryo_ids": [embryoIDs[1]], "transferred_on": "2026-01-22",
                        "witness": technician,
                    ])
                let signature = (fresh["signatures"] as? [[String: Any]])?.first
                #expect(signature?["meaning"] as? String == "witnessed")
                #expect(signature?["signer"] as? String == Role.technician.label)
                return try #require((fresh["transfer"] as? [String: Any])?["id"] as? Int)
            }

            // The frozen embryo: its straw is thawed out of G1 / 1 by the transfer.
            let thawedID = try await step("transfer the frozen 7-1 embryo, thawing its straw") {
                let second = try await client.newAnimal(auth: key, name: "Bella")
                let thawed = try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    ["recipient_id": second, "embryo_ids": [embryoIDs[0]], "witness": technician])
                let thawedID = try #require((thawed["transfer"] as? [String: Any])?["id"] as? Int)
                let straw = try await client.send(
                    .get, "/api/v1/samples/\(embryoStraw["id"] as? Int ?? 0)", auth: key
                ).json()
                #expect(straw["status"] as? String == "used")
                #expect(straw["container_id"] is NSNull)
                _ = try await client.postJSON(
                    "/api/v1/transfers", session: director,
                    ["recipient_id": second, "embryo_ids": [embryoIDs[0]], "witness": technician],
                    expect: .unprocessableContent)
                return thawedID
            }

            // Pregnancy: "lost" needs an earlier positive; then the outcome closes the trace.
            try await step("diagnose the pregnancy and record the calving") {
                let checks = "/api/v1/transfers/\(freshID)/pregnancy-checks"
                _ = try await client.postJSON(
                    checks, auth: key, ["method": "ultrasound", "result": "lost"], expect: .unprocessableContent)
                _ = try await client.postJSON(
                    checks, auth: key,
                    ["method": "ultrasound", "result": "pregnant", "checked_on": "2026-01-01"],
                    expect: .unprocessableContent)
                _ = try await client.postJSON(
                    checks, auth: key,
                    ["method": "ultrasound", "result": "pregnant", "checked_on": "2026-02-20", "fetal_sex": "female"])
                let outcome = try await client.send(
                    .post, "/api/v1/transfers/\(freshID)/outcome", auth: key,
                    json: ["outcome": "born_alive", "outcome_on": "2026-10-20", "offspring_sex": "female"])
                #expect(outcome.status == .ok, "\(outcome.text)")
            }

            try await step("trace the pregnancy back to batch, OPU, donor, sire and semen straw") {
                let trace = try await client.send(.get, "/api/v1/transfers/\(freshID)", auth: key).json()
                let origin = try #require((trace["embryos"] as? [[String: Any]])?.first)
                #expect(origin["donor"] as? String == "Daisy")
                #expect(origin["sire"] as? String == "Bruno")
                #expect((origin["batch"] as? [String: Any])?["id"] as? Int == batchID)
                #expect((origin["opu_sessions"] as? [[String: Any]])?.first?["id"] as? Int == opuID)
                #expect(origin["semen"] as? String == straws.first?["external_id"] as? String)
                let checks = trace["pregnancy_checks"] as? [[String: Any]]
                #expect(checks?.map { $0["days_after_transfer"] as? Int } == [29])
                #expect(checks?.first?["result"] as? String == "pregnant")
                #expect((trace["transfer"] as? [String: Any])?["outcome"] as? String == "born_alive")
            }

            try await step("follow the sire forward to all four embryos and one calf") {
                let forward = try await client.send(.get, "/api/v1/animals/\(herd.sire)/reproduction", auth: key)
                    .json()
                let lines = try #require(forward["embryos"] as? [[String: Any]])
                #expect(lines.count == 4)
                #expect(lines.filter { $0["outcome"] as? String == "born_alive" }.count == 1)
            }

            try await step("compute the donor's statistics as by hand") {
                let stats = try await client.send(
                    .get, "/api/v1/reproduction/stats?by=donor&from=2026-01-01", auth: key
                ).json()
                let row = try #require((stats["items"] as? [[String: Any]])?.first)
                #expect((row["recovery"] as? [String: Any])?["percent"] as? Double == 75)
                #expect((row["cleavage"] as? [String: Any])?["percent"] as? Double == 80)
                #expect((row["blastocyst"] as? [String: Any])?["percent"] as? Double == 40)
                #expect(row["transfers"] as? Int == 2)
                #expect((row["pregnancy"] as? [String: Any])?["count"] as? Int == 1)
                #expect((row["pregnancy"] as? [String: Any])?["of"] as? Int == 1)
            }

            // The thawed transfer has no diagnosis: its check is due (23 days for bovine).
            try await step("list the thawed transfer's pregnancy check as due") {
                let due = try await client.send(.get, "/api/v1/pregnancy-checks/due?ahead=30", auth: key).json()
                #expect((due["items"] as? [[String: Any]])?.map { $0["transfer_id"] as? Int } == [thawedID])
            }
        }
        try await step("audit every step and both thaws in an intact chain") {
            let actions = try await server.auditEvents().map(\.action)
            for action in [
                "semen.process", "ivf.inseminate", "embryo.grade", "embryo.freeze", "embryo.transfer", "sign",
            ] {
                #expect(actions.contains(action), "\(action)")
            }
            let checkOuts = try await server.auditEvents().filter { $0.action == "storage.check_out" }
            #expect(checkOuts.count == 2)
            #expect(checkOuts.allSatisfy { $0.reason?.hasPrefix("thawed for use from T1 / C1 / G1 / 1") == true })
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    /// `by` is one of donor, sire, technician, protocol (issue 20: the API fuzz run found `by=`
    /// answered 200 with the donor grouping).
    @Test func theStatisticsRefuseAGroupingTheDocumentDoesNotList() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            for by in ["", "farm"] {
                let refused = try await client.send(.get, "/api/v1/reproduction/stats?by=\(by)", auth: key)
                #expect(refused.status == .badRequest, "by=\(by)")
                #expect(try refused.apiError()["field"] as? String == "by")
            }
        }
    }
}

@Suite struct ReproductionPagesTests {
    /// The bench workflow through the forms: OPU entry, a batch, checks, grading, vitrifying, a
    /// witnessed transfer of the thawed straw, the trace page and a diagnosis.
    @Test func theWorkflowWorksThroughThePages() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:write", "samples:read"])
        let admin = try await server.apiKey(["admin"])
        let technician = try await server.signIn(.technician)
        _ = try await server.user(.director)
        try await server.test { client in
            let goblet = try await step("set up tank T1 / C1 / G1") {
                func container(_ body: [String: Any]) async throws -> Int {
                    try await client.send(.post, "/api/v1/storage/containers", auth: admin, json: body)
                        .json()["id"] as? Int ?? 0
                }
                let tank = try await container(["kind": "tank", "name": "T1"])
                let canister = try await container(["kind": "canister", "name": "C1", "parent_id": tank])
                return try await container(["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 10])
            }
            let (donor, sire, recipient) = try await step("register the donor, sire and recipient") {
                (
                    try await client.newAnimal(auth: key, name: "Daisy"),
                    try await client.newAnimal(auth: key, name: "Bruno", sex: "male"),
                    try await client.newAnimal(auth: key, name: "Rosie")
                )
            }

            try await step("enter an OPU session through its form") {
                let empty = try await client.sendForm(
                    "/reproduction/opu", session: technician, ["donor_id": String(donor), "follicles": "x"])
                #expect(empty.status == .badRequest)
                #expect(empty.text.contains("Enter a whole number."))
                let opu = try await client.sendForm(
                    "/reproduction/opu", session: technician,
                    [
                        "donor_id": String(donor), "performed_on": "2026-03-01", "follicles": "15", "oocytes": "12",
                        "grade_1": "5", "grade_2": "4", "grade_3": "2", "grade_4": "1",
                    ])
                #expect(opu.status == .seeOther)
            }

            let page = try await step("start a batch with the session's 11 usable oocytes") {
                let form = try await client.send(.get, "/reproduction/batches/new", session: technician)
                #expect(form.text.contains("name=\"opu_1\""))
                #expect(form.text.contains("data-pick=\"/api/v1/samples/lookup?kind=semen&amp;available=true\""))
                let batch = try await client.sendForm(
                    "/reproduction/batches", session: technician,
                    ["opu_1": "11", "sire_id": String(sire), "fertilised_on": "2026-03-02", "protocol": "standard"])
                #expect(batch.status == .seeOther, "\(batch.text)")
                return try #require(batch.headers[.location])
            }

            try await step("record the day 2 and day 7 checks, back to the batch page") {
                for fields in [["day": "2", "cleaved": "9"], ["day": "7", "blastocysts": "4"]] {
                    var headers = technician.headers
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    headers[.referer] = "http://localhost\(page)"
                    let body = fields.map { "\($0)=\($1)" }.joined(separator: "&")
                    let response = try await client.execute(
                        uri: page + "/checks", method: .post, headers: headers, body: ByteBuffer(string: body))
                    #expect(response.headers[.location] == page)
                }
            }

            try await step("grade embryos by their codes, refusing a bad code") {
                _ = try await client.sendForm(
                    page + "/embryos", session: technician, ["day": "7", "codes": "7-1 7-2, 6-3"])
                let bad = try await client.sendForm(
                    page + "/embryos", session: technician, ["day": "7", "codes": "7/1"])
                #expect(bad.headers[.setCookie]?.contains("labbox_flash") == true)
            }

            try await step("show the batch's rates and embryo codes") {
                let detail = try await client.send(.get, page, session: technician)
                #expect(detail.text.contains("<dd>81.8 %</dd>"))  // 9 of 11 cleaved
                #expect(detail.text.contains("<dd>36.4 %</dd>"))  // 4 of 11 blastocysts
                #expect(detail.text.contains("IVF-20260302-1-E03"))
            }

            try await step("vitrify the first embryo into G1 / 1") {
                let frozen = try await client.sendForm(
                    "/reproduction/embryos/1/freeze", session: technician, ["container_id": String(goblet)])
                #expect(frozen.headers[.setCookie]?.hasPrefix("labbox_flash=success") == true)
            }

            let tracePath = try await step("transfer the thawed straw before a witness") {
                let transferForm = try await client.send(.get, "/reproduction/transfers/new", session: technician)
                #expect(transferForm.text.contains("data-pick=\"/api/v1/embryos/lookup?transferable=true\""))
                let transfer = try await client.sendForm(
                    "/reproduction/transfers", session: technician,
                    [
                        "recipient_id": String(recipient), "embryo_id_1": "1", "transferred_on": "2026-03-09",
                        "witness_email": "director@lab.example", "witness_password": TestServer.password,
                    ])
                #expect(transfer.status == .seeOther, "\(transfer.text)")
                return try #require(transfer.headers[.location])
            }

            try await step("show the trace from the transfer back to donor, sire and straw") {
                let trace = try await client.send(.get, tracePath, session: technician)
                for text in [
                    "Daisy", "Bruno", "IVF-20260302-1", "thawed from straw IVF-20260302-1-E01", "witnessed",
                ] {
                    #expect(trace.text.contains(text), "\(text)")
                }
            }

            try await step("record the diagnosis on the trace page") {
                _ = try await client.sendForm(
                    tracePath + "/checks", session: technician,
                    ["checked_on": "2026-04-10", "method": "ultrasound", "result": "pregnant"])
                let checked = try await client.send(.get, tracePath, session: technician)
                #expect(checked.text.contains("(day 32)"))
                #expect(checked.text.contains("Calving / foaling"))
            }

            try await step("chart the sire's statistics and list the pregnant transfer") {
                let stats = try await client.send(
                    .get, "/reproduction/stats?by=sire&from=2026-01-01", session: technician)
                #expect(stats.text.contains("<svg class=\"chart\""))
                #expect(stats.text.contains("Bruno #\(sire)"))
                let overview = try await client.send(.get, "/reproduction?tab=transfers", session: technician)
                #expect(overview.text.contains("pregnant"))
            }
        }
    }
}
