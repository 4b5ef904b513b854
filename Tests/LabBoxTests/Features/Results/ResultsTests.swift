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

@Suite struct ResultsTests {
    struct Lab {
        let order: Int
        let analyses: [Int]
        let instrument: Int
        let expiredInstrument: Int
        let material: Int
    }

    /// Progesterone (P4, blood, bovine 1–10 ng/mL), a calibrated and an expired analyser, a
    /// control at 5.0 ± 0.5, and an order of P4 on two blood samples.
    private func lab(_ client: some TestClientProtocol, admin: String, key: String) async throws -> Lab {
        _ = try await client.postJSON(
            "/api/v1/lab-tests", auth: admin,
            [
                "code": "P4", "name": "Progesterone", "sample_kinds": ["blood"], "unit": "ng/mL",
                "method": "ELISA", "price_cents": 1500, "ranges": [["species": "bovine", "low": 1, "high": 10]],
            ])
        let instrument = try await client.postJSON(
            "/api/v1/instruments", auth: admin,
            ["name": "Analyser A", "calibration_due": Day.adding(30, to: Day.today) ?? ""])
        let expired = try await client.postJSON(
            "/api/v1/instruments", auth: admin,
            ["name": "Old analyser", "calibration_due": Day.adding(-1, to: Day.today) ?? ""])
        let material = try await client.postJSON(
            "/api/v1/qc-materials", auth: admin,
            ["name": "P4 control level 2", "test_code": "P4", "expected": 5, "tolerance": 0.5])
        let customer = try await client.postJSON("/api/v1/customers", auth: key, ["name": "Green Farm"])
        var samples: [Int] = []
        for index in 1...2 {
            var body = TestServer.sampleBody("BLOOD-\(index)")
            body["kind"] = "blood"
            samples.append(try #require(try await client.postJSON("/api/v1/samples", auth: key, body)["id"] as? Int))
        }
        let order = try await client.postJSON(
            "/api/v1/orders", auth: key,
            ["customer_id": customer["id"] as? Int ?? 0, "sample_ids": samples, "tests": ["P4"]])
        let analyses = try #require(order["analyses"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
        return Lab(
            order: (order["order"] as? [String: Any])?["id"] as? Int ?? 0, analyses: analyses,
            instrument: instrument["id"] as? Int ?? 0, expiredInstrument: expired["id"] as? Int ?? 0,
            material: material["id"] as? Int ?? 0)
    }

    private static let scopes: Set<String> = [
        "results:read", "results:write", "customers:write", "samples:read", "samples:write",
    ]

    @Test func resultsAreFlaggedAndVerifiedByAnotherPersonUnlessQCOrCalibrationFails() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        let password = ["password": TestServer.password]
        try await server.test { client in
            let lab = try await step("set up the catalog, analysers, control and an order of two analyses") {
                let made = try await self.lab(client, admin: admin, key: key)
                #expect(made.analyses.count == 2)
                return made
            }
            let (first, second) = (lab.analyses[0], lab.analyses[1])

            try await step("refuse P4 on a semen sample, writing nothing of the order") {
                let semen = try await client.send(
                    .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("S-1"))
                let refused = try await client.send(
                    .post, "/api/v1/orders", auth: key,
                    json: ["customer_id": 1, "sample_ids": [try semen.json()["id"] as? Int ?? 0], "tests": ["P4"]])
                #expect(refused.status == .unprocessableContent)
                #expect(
                    try await client.send(.get, "/api/v1/orders", auth: key).json()["items"].map {
                        ($0 as? [Any])?.count
                    } == 1)
            }

            try await step("lock out the analyser whose calibration expired") {
                let expired = try await client.send(
                    .post, "/api/v1/analyses/\(first)/result", session: technician,
                    json: ["value": 12.5, "instrument_id": lab.expiredInstrument])
                #expect(expired.status == .unprocessableContent)
                #expect(try expired.apiError()["code"] as? String == "calibration_overdue")
                let expiredRun = try await client.send(
                    .post, "/api/v1/qc-runs", session: technician,
                    json: ["material_id": lab.material, "instrument_id": lab.expiredInstrument, "measured": 5])
                #expect(expiredRun.status == .unprocessableContent)
            }

            try await step("enter a result the bovine range flags high") {
                let entered = try await client.send(
                    .post, "/api/v1/analyses/\(first)/result", session: technician,
                    json: ["value": 12.5, "instrument_id": lab.instrument])
                #expect(try entered.json()["flag"] as? String == "high")
                #expect(try entered.json()["state"] as? String == "to_verify")
            }

            // The one who entered it cannot verify it; an API key cannot sign at all.
            try await step("verify only as another person, with the password") {
                let own = try await client.send(
                    .post, "/api/v1/analyses/\(first)/verify", session: technician, json: password)
                #expect(own.status == .forbidden)
                let byKey = try await client.send(
                    .post, "/api/v1/analyses/\(first)/verify", auth: key, json: password)
                #expect(byKey.status == .forbidden)
                let wrong = try await client.send(
                    .post, "/api/v1/analyses/\(first)/verify", session: director, json: ["password": "not it"])
                #expect(wrong.status == .unauthorized)
                let verified = try await client.send(
                    .post, "/api/v1/analyses/\(first)/verify", session: director, json: password)
                #expect(try verified.json()["state"] as? String == "verified")
            }

            try await step("block verification after a control out of tolerance, and send it back") {
                let run = try await client.send(
                    .post, "/api/v1/qc-runs", session: technician,
                    json: ["material_id": lab.material, "instrument_id": lab.instrument, "measured": 6.2])
                #expect(try run.json()["in_control"] as? Bool == false)
                _ = try await client.send(
                    .post, "/api/v1/analyses/\(second)/result", session: technician,
                    json: [
                        "value": 0.4, "instrument_id": lab.instrument, "qc_run_id": try run.json()["id"] as? Int ?? 0,
                    ])
                let locked = try await client.send(
                    .post, "/api/v1/analyses/\(second)/verify", session: director, json: password)
                #expect(locked.status == .unprocessableContent)
                #expect(try locked.apiError()["code"] as? String == "qc_out_of_control")
                let sentBack = try await client.send(
                    .post, "/api/v1/analyses/\(second)/reject", session: director,
                    json: ["reason": "QC failed, rerun"])
                #expect(try sentBack.json()["state"] as? String == "retest")
            }

            try await step("change a verified result with a reason, verify it again and report it") {
                let unreasoned = try await client.send(
                    .post, "/api/v1/analyses/\(first)/result", session: technician, json: ["value": 9.5])
                #expect(try unreasoned.apiError()["field"] as? String == "reason")
                let changed = try await client.send(
                    .post, "/api/v1/analyses/\(first)/result", session: technician,
                    json: ["value": 9.5, "reason": "transcription error"])
                #expect(try changed.json()["state"] as? String == "to_verify")
                #expect(try changed.json()["flag"] as? String == "")
                let report = try await client.send(.get, "/api/v1/orders/\(lab.order)", auth: key).json()
                let line = try #require(
                    (report["analyses"] as? [[String: Any]])?.first { $0["id"] as? Int == first })
                #expect((line["verified_by"] as? [Any])?.isEmpty == true)
                _ = try await client.send(
                    .post, "/api/v1/analyses/\(first)/verify", session: director, json: password)
                let csv = try await client.send(.get, "/api/v1/orders/\(lab.order)/results.csv", auth: key)
                #expect(
                    csv.text.contains("BLOOD-1,bovine,P4,Progesterone,9.5,ng/mL,1.0,10.0,,verified,Lab director"))
            }
        }
        try await step("audit the change with its reason and both signatures") {
            let events = try await server.auditEvents()
            #expect(events.contains { $0.action == "result.change" && $0.reason == "transcription error" })
            #expect(events.filter { $0.action == "sign" }.count == 2)
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    @Test func theNumberOfVerificationsIsASetting() async throws {
        let server = try TestServer { $0.verificationsRequired = 2 }
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        let director = try await server.signIn(.director)
        let administrator = try await server.signIn(.admin)
        let password = ["password": TestServer.password]
        try await server.test { client in
            let lab = try await lab(client, admin: admin, key: key)
            let id = lab.analyses[0]
            _ = try await client.send(.post, "/api/v1/analyses/\(id)/result", auth: key, json: ["value": 4])
            let once = try await client.send(.post, "/api/v1/analyses/\(id)/verify", session: director, json: password)
            #expect(try once.json()["state"] as? String == "to_verify")
            let twice = try await client.send(.post, "/api/v1/analyses/\(id)/verify", session: director, json: password)
            #expect(twice.status == .unprocessableContent)
            let second = try await client.send(
                .post, "/api/v1/analyses/\(id)/verify", session: administrator, json: password)
            #expect(try second.json()["state"] as? String == "verified")
        }
    }

    @Test func resultsAreEnteredVerifiedAndReportedThroughThePages() async throws {
        let server = try TestServer { $0.labName = "Hilltop Reproduction Lab" }
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        let technician = try await server.signIn(.technician)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let lab = try await lab(client, admin: admin, key: key)
            let id = lab.analyses[0]
            let entered = try await client.sendForm(
                "/results/analyses/\(id)/result", session: technician,
                ["value": "0,5", "instrument_id": String(lab.instrument)])
            #expect(entered.headers[.location] == "/results/orders/\(lab.order)#analysis-\(id)")
            let own = try await client.send(.get, "/results/orders/\(lab.order)", session: technician)
            #expect(own.text.contains("flag-low"))
            #expect(!own.text.contains("verify-\(id)\""))  // no Verify button for the one who entered it
            let page = try await client.send(.get, "/results/orders/\(lab.order)", session: director)
            #expect(page.text.contains("data-open-dialog=\"verify-\(id)\""))
            #expect(!page.text.contains("Old analyser</option>"))  // expired instruments cannot be chosen
            let verified = try await client.sendForm(
                "/results/analyses/\(id)/verify", session: director, ["password": TestServer.password])
            #expect(verified.headers[.setCookie]?.hasPrefix("labbox_flash=success") == true)
            let worklist = try await client.send(.get, "/results?tab=done", session: director)
            #expect(worklist.text.contains("BLOOD-1"))
            let report = try await client.send(.get, "/results/orders/\(lab.order)/report", session: director)
            for text in ["Hilltop Reproduction Lab", "Green Farm", "0.5 ng/mL", "Lab director", "pending (received)"] {
                #expect(report.text.contains(text), "\(text)")
            }
            #expect(!report.text.contains("<dt>Reference</dt>"))  // the order has none
            let customer = try await client.send(.get, "/customers/1", session: director)
            #expect(customer.text.contains("/results/orders/\(lab.order)/report"))
            let catalog = try await client.send(.get, "/results/catalog", session: technician)
            #expect(catalog.text.contains("overdue — locked"))
            #expect(!catalog.text.contains("/results/catalog/profiles"))  // admins define the catalog
            let administrator = try await server.signIn(.admin)
            let profile = try await client.sendForm(
                "/results/catalog/profiles", session: administrator,
                ["code": "FERT", "name": "Fertility", "tests": "P4, NOPE"])
            #expect(profile.headers[.setCookie]?.contains("labbox_flash=info") == true)  // NOPE is no test
            _ = try await client.sendForm(
                "/results/catalog/profiles", session: administrator,
                ["code": "FERT", "name": "Fertility", "tests": "P4"])
            let orderForm = try await client.send(.get, "/results/orders/new", session: technician)
            #expect(orderForm.text.contains("name=\"profile_FERT\""))
            let run = try await client.sendForm(
                "/results/qc-runs", session: technician,
                ["material_id": String(lab.material), "instrument_id": String(lab.instrument), "measured": "5.1"])
            #expect(run.headers[.setCookie]?.hasPrefix("labbox_flash=success") == true)
        }
    }
}
