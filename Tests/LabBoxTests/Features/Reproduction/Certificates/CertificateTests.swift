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

/// Embryo certificates of frozen straws and export health certificates of donors and sires,
/// through the API and the pages: what they state, what refuses them (with nothing written), and
/// that an issued one stays as it was issued until it is revoked.
@Suite struct CertificateTests {
    /// The scopes the embryology team's key carries.
    static let scopes: Set<String> = ["reproduction:read", "reproduction:write", "animals:write", "samples:read"]

    private static func server() throws -> TestServer {
        try TestServer { config in
            config.labName = "Hilltop Reproduction Lab"
            config.labApprovalNumber = "EU-ET-017"
        }
    }

    private func field(_ body: [String: Any]) -> String? {
        (body["error"] as? [String: Any])?["field"] as? String
    }

    private func message(_ body: [String: Any]) -> String {
        (body["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    struct Straw {
        let id: Int
        let code: String
        let donor: Int64
        let sire: Int64
        let customer: Int
    }

    /// A flushed embryo (7-1) of a customer's donor, vitrified into a straw in T1 / C1 / G1.
    private func frozenStraw(_ client: some TestClientProtocol, admin: String) async throws -> Straw {
        func container(_ body: [String: Any]) async throws -> Int {
            try #require(
                try await client.send(.post, "/api/v1/storage/containers", auth: admin, json: body).json()["id"] as? Int
            )
        }
        let tank = try await container(["kind": "tank", "name": "T1"])
        let canister = try await container(["kind": "canister", "name": "C1", "parent_id": tank])
        let goblet = try await container(["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 6])
        let customer = try #require(
            try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Hill Farm"])["id"] as? Int)
        let donor = try await client.newAnimal(auth: admin, name: "Bella")
        let sire = try await client.newAnimal(auth: admin, name: "Bruno", sex: "male")
        _ = try await client.send(.patch, "/api/v1/animals/\(donor)", auth: admin, json: ["owner_id": customer])
        let flushed = try await client.postJSON(
            "/api/v1/embryos", auth: admin,
            ["donor_id": donor, "sire_id": sire, "day": 7, "embryos": [["stage": 7, "grade": 1]]])
        let embryo = try #require((flushed["items"] as? [[String: Any]])?.first?["id"] as? Int)
        let frozen = try await client.postJSON(
            "/api/v1/embryos/\(embryo)/freeze", auth: admin, ["container_id": goblet, "method": "vitrified"])
        let straw = try #require(frozen["straw"] as? [String: Any])
        return Straw(
            id: try #require(straw["id"] as? Int), code: try #require(straw["external_id"] as? String), donor: donor,
            sire: sire, customer: customer)
    }

    private func register(_ client: some TestClientProtocol, _ animal: Int64, _ number: String, admin: String)
        async throws
    {
        let response = try await client.send(
            .patch, "/api/v1/animals/\(animal)", auth: admin,
            json: ["identifiers": [["type": "registration", "value": number]]])
        #expect(response.status == .ok)
    }

    @Test func embryoCertificateStatesTheStrawAsIssuedAndIsRefusedWithoutRegistrations() async throws {
        let server = try Self.server()
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let straw = try await frozenStraw(client, admin: admin)
            let path = "/api/v1/embryo-certificates"
            let body: [String: Any] = ["sample_id": straw.id, "cryoprotectant": "Ethylene glycol 1.5 M"]

            try await step("refused, naming the field, while the donor or sire has no registration number") {
                let before = try await server.auditEvents().count
                let noDonor = try await client.postJSON(path, auth: key, body, expect: .unprocessableContent)
                #expect(field(noDonor) == "donor_id")
                #expect(message(noDonor).contains("Bella"))
                #expect(try await server.auditEvents().count == before)
                try await register(client, straw.donor, "DE 09 123 45678", admin: admin)
                let noSire = try await client.postJSON(path, auth: key, body, expect: .unprocessableContent)
                #expect(field(noSire) == "sire_id")
                try await register(client, straw.sire, "DE 05 765 43210", admin: admin)
                let afterRegistrations = try await server.auditEvents().count
                for (bad, expected) in [
                    (["sample_id": straw.id], "cryoprotectant"),
                    (["sample_id": straw.id, "cryoprotectant": String(repeating: "x", count: 101)], "cryoprotectant"),
                    (["sample_id": straw.id, "cryoprotectant": "EG", "freezing_method": "boiled"], "freezing_method"),
                    (["cryoprotectant": "EG"], "sample_id"),
                    (["sample_id": 999_999, "cryoprotectant": "EG"], "sample_id"),
                ] as [([String: Any], String)] {
                    let refused = try await client.postJSON(path, auth: key, bad, expect: .unprocessableContent)
                    #expect(field(refused) == expected, "\(bad)")
                }
                #expect(try await server.auditEvents().count == afterRegistrations)
                let list = try await client.send(.get, path, auth: key).json()
                #expect((list["items"] as? [[String: Any]])?.isEmpty == true)
            }

            let issued = try await step("issued with the fields registries use") {
                let issued = try await client.postJSON(path, auth: key, body)
                #expect(issued["number"] as? String == "EC-00001")
                #expect(issued["straw_code"] as? String == straw.code)
                #expect(issued["donor_name"] as? String == "Bella")
                #expect(issued["donor_registration"] as? String == "DE 09 123 45678")
                #expect(issued["sire_registration"] as? String == "DE 05 765 43210")
                #expect(issued["origin"] as? String == "in_vivo")
                #expect(issued["produced_on"] as? String == Day.today)
                #expect(issued["iets"] as? String == "7-1")
                #expect(issued["embryos_per_straw"] as? Int == 1)
                #expect(issued["freezing_method"] as? String == "vitrification")
                #expect(issued["cryoprotectant"] as? String == "Ethylene glycol 1.5 M")
                #expect(issued["freezing_centre"] as? String == "Hilltop Reproduction Lab")
                #expect(issued["approval_number"] as? String == "EU-ET-017")
                #expect(issued["customer"] as? String == "Hill Farm")
                #expect(issued["in_force"] as? Bool == true)
                let again = try await client.postJSON(path, auth: key, body, expect: .conflict)
                #expect(field(again) == "sample_id")
                #expect(message(again).contains("EC-00001"))
                return try #require(issued["id"] as? Int)
            }

            try await step("a reprint shows what was issued, whatever changed since") {
                try await register(client, straw.donor, "DE 09 999 99999", admin: admin)
                let reprint = try await client.send(.get, "\(path)/\(issued)", auth: key).json()
                #expect(reprint["donor_registration"] as? String == "DE 09 123 45678")
                await #expect(throws: DatabaseError.self) {
                    try await server.services.database.pool.write { db in
                        try db.execute(sql: "UPDATE embryo_certificates SET cryoprotectant = 'glycerol'")
                    }
                }
            }

            try await step("revoked with a reason, then issued again") {
                let noReason = try await client.postJSON(
                    "\(path)/\(issued)/revoke", auth: key, [:], expect: .unprocessableContent)
                #expect(field(noReason) == "reason")
                let revoked = try await client.postJSON(
                    "\(path)/\(issued)/revoke", auth: key, ["reason": "Wrong cryoprotectant"], expect: .ok)
                #expect(revoked["in_force"] as? Bool == false)
                #expect(revoked["revoke_reason"] as? String == "Wrong cryoprotectant")
                let twice = try await client.postJSON(
                    "\(path)/\(issued)/revoke", auth: key, ["reason": "again"], expect: .conflict)
                #expect(field(twice) == "status")
                let corrected = try await client.postJSON(
                    path, auth: key,
                    ["sample_id": straw.id, "cryoprotectant": "Glycerol 10 %", "freezing_method": "slow_freeze"])
                #expect(corrected["number"] as? String == "EC-00002")
                #expect(corrected["donor_registration"] as? String == "DE 09 999 99999")
            }

            try await step("listed and exported for registries by day, customer and status") {
                func count(_ query: String) async throws -> Int? {
                    (try await client.send(.get, "\(path)?\(query)", auth: key).json()["items"] as? [[String: Any]])?
                        .count
                }
                #expect(try await count("customer_id=\(straw.customer)") == 2)
                #expect(try await count("status=revoked") == 1)
                #expect(try await count("from=\(Day.adding(1, to: Day.today) ?? "")") == 0)
                #expect(try await count("to=\(Day.today)&animal_id=\(straw.sire)") == 2)
                #expect(try await client.send(.get, "\(path)?from=yesterday", auth: key).status == .badRequest)
                let csv = try await client.send(.get, "\(path)/export?status=in_force", auth: key)
                #expect(csv.status == .ok)
                #expect(csv.text.hasPrefix("number,issued_on,straw_code"))
                #expect(csv.text.contains("EC-00002"))
                #expect(!csv.text.contains("EC-00001"))
            }

            let actions = try await server.auditEvents().map(\.action)
            #expect(actions.filter { $0 == "embryo_certificate.issue" }.count == 2)
            #expect(actions.filter { $0 == "embryo_certificate.revoke" }.count == 1)
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    @Test func noEmbryoCertificateWithoutTheLabsApprovalNumber() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let straw = try await frozenStraw(client, admin: admin)
            let refused = try await client.postJSON(
                "/api/v1/embryo-certificates", auth: admin, ["sample_id": straw.id, "cryoprotectant": "EG"],
                expect: .unprocessableContent)
            #expect(field(refused) == "approval_number")
            #expect(message(refused).contains("lab.approval_number"))
        }
    }

    /// A blood sample of `animal` taken `daysAgo` days ago, ordered for `tests`: its analyses' ids.
    private func ordered(
        _ client: some TestClientProtocol, animal: Int64, customer: Int, tests: [String], daysAgo: Int, admin: String
    ) async throws -> [Int] {
        var blood = TestServer.sampleBody()
        blood["kind"] = "blood"
        blood["animal_id"] = animal
        blood["collected_at"] = Date().addingTimeInterval(Double(-daysAgo) * 86_400).formatted(.iso8601)
        let sample = try #require(try await client.postJSON("/api/v1/samples", auth: admin, blood)["id"] as? Int)
        let order = try await client.postJSON(
            "/api/v1/orders", auth: admin, ["customer_id": customer, "sample_ids": [sample], "tests": tests])
        return try #require(order["analyses"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
    }

    /// Enters `value` (by the admin key) and verifies it (by the director, who signs).
    private func verified(
        _ client: some TestClientProtocol, _ analysis: Int, _ value: Double, admin: String, director: BrowserSession
    ) async throws {
        _ = try await client.postJSON("/api/v1/analyses/\(analysis)/result", auth: admin, ["value": value], expect: .ok)
        _ = try await client.postJSON(
            "/api/v1/analyses/\(analysis)/verify", session: director, ["password": TestServer.password], expect: .ok)
    }

    @Test func healthCertificateRestsOnVerifiedResultsWithinTheDestinationsWindow() async throws {
        let server = try Self.server()
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            for code in ["BVD", "IBR"] {
                _ = try await client.postJSON(
                    "/api/v1/lab-tests", auth: admin,
                    [
                        "code": code, "name": "\(code) ELISA", "sample_kinds": ["blood"], "unit": "S/P",
                        "ranges": [["species": "bovine", "low": 0, "high": 0.3]],
                    ])
            }
            let customer = try #require(
                try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Stud North"])["id"] as? Int)
            let sire = try await client.newAnimal(auth: admin, name: "Bruno", sex: "male")
            _ = try await client.send(.patch, "/api/v1/animals/\(sire)", auth: admin, json: ["owner_id": customer])

            let destination = try await step("destinations are set by admins and directors, from the catalog") {
                let destinations = "/api/v1/certificate-destinations"
                let body: [String: Any] = ["name": "European Union", "tests": ["bvd", "IBR"], "validity_days": 30]
                _ = try await client.postJSON(destinations, auth: key, body, expect: .forbidden)
                let unknown = try await client.postJSON(
                    destinations, auth: admin, ["name": "Japan", "tests": ["BVD", "FMD"], "validity_days": 30],
                    expect: .unprocessableContent)
                #expect(field(unknown) == "tests")
                #expect(message(unknown).contains("FMD"))
                let created = try await client.postJSON(destinations, session: director, body)
                #expect(created["tests"] as? String == "BVD,IBR")
                _ = try await client.postJSON(destinations, auth: admin, body, expect: .conflict)
                return try #require(created["id"] as? Int)
            }
            let path = "/api/v1/health-certificates"
            let body: [String: Any] = ["animal_id": sire, "destination_id": destination]
            let old = try await ordered(
                client, animal: sire, customer: customer, tests: ["BVD", "IBR"], daysAgo: 5, admin: admin)

            try await step("refused, naming each test, while results are missing, unverified or out of range") {
                let before = try await server.auditEvents().count
                let unverified = try await client.postJSON(path, auth: key, body, expect: .unprocessableContent)
                #expect(field(unverified) == "tests")
                #expect(message(unverified).contains("BVD is not verified"))
                #expect(message(unverified).contains("IBR is not verified"))
                #expect(try await server.auditEvents().count == before)
                try await verified(client, old[0], 0.05, admin: admin, director: director)
                try await verified(client, old[1], 0.9, admin: admin, director: director)
                let positive = try await client.postJSON(path, auth: key, body, expect: .unprocessableContent)
                #expect(!message(positive).contains("BVD"))
                #expect(message(positive).contains("IBR"))
                #expect(message(positive).contains("high"))
                let list = try await client.send(.get, path, auth: key).json()
                #expect((list["items"] as? [[String: Any]])?.isEmpty == true)
            }

            let issued = try await step("issued once a newer IBR sample tests negative") {
                let retest = try await ordered(
                    client, animal: sire, customer: customer, tests: ["IBR"], daysAgo: 1, admin: admin)
                try await verified(client, retest[0], 0.1, admin: admin, director: director)
                let issued = try await client.postJSON(path, auth: key, body)
                #expect(issued["number"] as? String == "HC-00001")
                #expect(issued["destination"] as? String == "European Union")
                #expect(issued["customer"] as? String == "Stud North")
                let results = try #require(issued["results"] as? [[String: Any]])
                #expect(results.map { $0["code"] as? String } == ["BVD", "IBR"])
                #expect(results.map { $0["analysis_id"] as? Int } == [old[0], retest[0]])
                #expect(results.first?["verified_by"] as? [String] == [Role.director.label])
                let oldest = Day.adding(-5, to: Day.today) ?? ""
                #expect(issued["valid_until"] as? String == Day.adding(30, to: oldest))
                return try #require(issued["id"] as? Int)
            }

            try await step("a shorter window expires the older result; changing it leaves the issued one") {
                _ = try await client.send(
                    .patch, "/api/v1/certificate-destinations/\(destination)", auth: admin, json: ["validity_days": 3])
                let expired = try await client.postJSON(path, auth: key, body, expect: .unprocessableContent)
                #expect(message(expired).contains("BVD was last sampled"))
                #expect(!message(expired).contains("IBR"))
                let reprint = try await client.send(.get, "\(path)/\(issued)", auth: key).json()
                #expect(reprint["validity_days"] as? Int == 30)
                let revoked = try await client.postJSON(
                    "\(path)/\(issued)/revoke", auth: key, ["reason": "Export cancelled"], expect: .ok)
                #expect(revoked["in_force"] as? Bool == false)
            }
            let actions = try await server.auditEvents().map(\.action)
            #expect(actions.contains("health_certificate.issue"))
            #expect(actions.contains("health_certificate.revoke"))
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    @Test func pagesIssuePrintAndRevokeAndLinkFromTheStrawAndTheAnimal() async throws {
        let server = try Self.server()
        let admin = try await server.apiKey(["admin"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let straw = try await frozenStraw(client, admin: admin)
            let form = try await client.send(
                .get, "/certificates/embryos/new?sample_id=\(straw.id)", session: technician)
            #expect(form.status == .ok)
            #expect(form.text.contains("EU-ET-017"))
            let refused = try await client.sendForm(
                "/certificates/embryos", session: technician,
                ["sample_id": String(straw.id), "cryoprotectant": "Ethylene glycol"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("no registration number"))
            try await register(client, straw.donor, "DE-1", admin: admin)
            try await register(client, straw.sire, "DE-2", admin: admin)
            let issued = try await client.sendForm(
                "/certificates/embryos", session: technician,
                ["sample_id": String(straw.id), "cryoprotectant": "Ethylene <glycol>", "freezing_method": ""])
            #expect(issued.status == .seeOther)
            let location = try #require(issued.headers[.location])
            let page = try await client.send(.get, location, session: technician)
            #expect(page.status == .ok)
            #expect(page.text.contains("Embryo certificate / transfer record EC-00001"))
            #expect(page.text.contains("Ethylene &lt;glycol&gt;"))
            #expect(page.text.contains("7 – Expanded blastocyst"))
            #expect(page.text.contains("data-print"))
            let strawPage = try await client.send(.get, "/samples/\(straw.id)", session: technician)
            #expect(strawPage.text.contains("linked-embryo-certificates"))
            #expect(strawPage.text.contains("EC-00001"))
            let animalPage = try await client.send(.get, "/animals/\(straw.sire)", session: technician)
            #expect(animalPage.text.contains("EC-00001"))
            #expect(animalPage.text.contains("linked-health-certificates"))
            let list = try await client.send(.get, "/certificates/embryos?status=in_force", session: technician)
            #expect(list.text.contains("EC-00001"))
            let csv = try await client.sendForm(
                "/certificates/embryos/export?status=in_force", session: technician, [:])
            #expect(csv.status == .ok)
            #expect(csv.text.contains("EC-00001"))

            let auditor = try await server.signIn(.auditor)
            let readOnly = try await client.send(.get, location, session: auditor)
            #expect(readOnly.status == .ok)
            #expect(!readOnly.text.contains("/revoke"))
            let revoked = try await client.sendForm(
                "\(location)/revoke", session: technician, ["reason": "Straw damaged"])
            #expect(revoked.status == .seeOther)
            let after = try await client.send(.get, location, session: technician)
            #expect(after.text.contains("Straw damaged"))
            #expect(!after.text.contains("\(location)/revoke"))

            let destinations = try await client.send(.get, "/certificates/destinations", session: technician)
            #expect(destinations.status == .ok)
            #expect(!destinations.text.contains("Add a destination"))
            let director = try await server.signIn(.director)
            let tests = try await client.postJSON(
                "/api/v1/lab-tests", auth: admin, ["code": "BVD", "name": "BVD", "sample_kinds": ["blood"]])
            #expect(tests["code"] as? String == "BVD")
            let added = try await client.sendForm(
                "/certificates/destinations", session: director,
                ["name": "Canada", "tests": "BVD", "validity_days": "60"])
            #expect(added.status == .seeOther)
            let health = try await client.send(.get, "/certificates/health/new", session: technician)
            #expect(health.text.contains("Canada: BVD, 60 days"))
        }
    }
}
