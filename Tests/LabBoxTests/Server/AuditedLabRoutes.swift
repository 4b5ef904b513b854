import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// The reproduction, genomics and results part of ``AuditedRoutesTests/everyWritingAPIRouteIsAudited()``:
/// each writing route once, with the audit action it must leave.
enum AuditedLabRoutes {
    typealias ExpectAudited = (String, String, () async throws -> TestResponse) async throws -> TestResponse

    static func exercise(
        _ client: some TestClientProtocol, adminKey: String, session: BrowserSession, witness: String,
        expectAudited: ExpectAudited
    ) async throws {
        func id(_ response: TestResponse, _ path: String...) throws -> Int {
            var value: Any? = try response.json()
            for key in path {
                value = (value as? [String: Any])?[key] ?? (value as? [[String: Any]])?.first?[key]
            }
            return try #require(value as? Int)
        }
        func container(_ body: [String: Any]) async throws -> Int {
            try id(try await client.send(.post, "/api/v1/storage/containers", auth: adminKey, json: body), "id")
        }
        let tank = try await container(["kind": "tank", "name": "Audit tank"])
        let canister = try await container(["kind": "canister", "name": "AC", "parent_id": tank])
        let goblet = try await container(["kind": "goblet", "name": "AG", "parent_id": canister, "columns": 10])
        let donor = try await client.newAnimal(auth: adminKey, name: "Donor")
        let sire = try await client.newAnimal(auth: adminKey, name: "Sire", sex: "male")
        let recipient = try await client.newAnimal(auth: adminKey, name: "Recipient")

        let collection = try await expectAudited("POST /api/v1/semen-collections", "create") {
            try await client.send(.post, "/api/v1/semen-collections", auth: adminKey, json: ["sire_id": sire])
        }
        let straws = try await expectAudited("POST /api/v1/semen-collections/{id}/process", "semen.process") {
            try await client.send(
                .post, "/api/v1/semen-collections/\(try id(collection, "id"))/process", auth: adminKey,
                json: ["straws": 2, "doses_per_straw": 20, "container_id": goblet])
        }
        let opu = try await expectAudited("POST /api/v1/opu-sessions", "create") {
            try await client.send(
                .post, "/api/v1/opu-sessions", auth: adminKey, json: ["donor_id": donor, "follicles": 10, "oocytes": 8])
        }
        let batch = try await expectAudited("POST /api/v1/ivf-batches", "create") {
            try await client.send(
                .post, "/api/v1/ivf-batches", auth: adminKey,
                json: ["oocytes_from": [["opu_id": try id(opu, "id")]], "sire_id": sire])
        }
        let batchID = try id(batch, "batch", "id")
        _ = try await expectAudited("POST /api/v1/ivf-batches/{id}/checks", "create") {
            try await client.send(
                .post, "/api/v1/ivf-batches/\(batchID)/checks", auth: adminKey, json: ["day": 2, "cleaved": 6])
        }
        let embryos = try await expectAudited("POST /api/v1/ivf-batches/{id}/embryos", "embryo.grade") {
            try await client.send(
                .post, "/api/v1/ivf-batches/\(batchID)/embryos", auth: adminKey,
                json: ["day": 7, "embryos": [["stage": 7, "grade": 1], ["stage": 6, "grade": 2]]])
        }
        let embryoIDs = try #require(try embryos.json()["items"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
        let flushed = try await expectAudited("POST /api/v1/embryos", "embryo.grade") {
            try await client.send(
                .post, "/api/v1/embryos", auth: adminKey,
                json: ["donor_id": donor, "sire_id": sire, "day": 7, "embryos": [["stage": 4, "grade": 3]]])
        }
        let flushedID = try id(flushed, "items", "id")
        _ = try await expectAudited("PATCH /api/v1/embryos/{id}", "embryo.regrade") {
            try await client.send(
                .patch, "/api/v1/embryos/\(flushedID)", auth: adminKey, json: ["grade": 4, "reason": "degenerating"])
        }
        _ = try await expectAudited("POST /api/v1/embryos/{id}/discard", "embryo.discard") {
            try await client.send(
                .post, "/api/v1/embryos/\(flushedID)/discard", auth: adminKey, json: ["reason": "grade 4"])
        }
        _ = try await expectAudited("POST /api/v1/embryos/{id}/freeze", "embryo.freeze") {
            try await client.send(
                .post, "/api/v1/embryos/\(embryoIDs[1])/freeze", auth: adminKey, json: ["container_id": goblet])
        }
        let transfer = try await expectAudited("POST /api/v1/transfers", "sign") {
            try await client.send(
                .post, "/api/v1/transfers", session: session,
                json: [
                    "recipient_id": recipient, "embryo_ids": embryoIDs,
                    "transferred_on": Day.adding(-280, to: Day.today) ?? "",
                    "witness": ["email": witness, "password": TestServer.password],
                ])
        }
        let transferID = try id(transfer, "transfer", "id")
        _ = try await expectAudited("POST /api/v1/transfers/{id}/pregnancy-checks", "create") {
            try await client.send(
                .post, "/api/v1/transfers/\(transferID)/pregnancy-checks", auth: adminKey,
                json: ["method": "ultrasound", "result": "pregnant"])
        }
        _ = try await expectAudited("POST /api/v1/transfers/{id}/outcome", "transfer.outcome") {
            try await client.send(
                .post, "/api/v1/transfers/\(transferID)/outcome", auth: adminKey,
                json: ["outcome": "born_alive"])
        }
        try await shipments(
            client, adminKey: adminKey, goblet: goblet,
            codes: try #require(try straws.json()["items"] as? [[String: Any]]).compactMap {
                $0["external_id"] as? String
            }, expectAudited: expectAudited)
        try await flushes(client, adminKey: adminKey, donor: donor, sire: sire, expectAudited: expectAudited)
        try await recipients(client, adminKey: adminKey, expectAudited: expectAudited)
        _ = try await expectAudited("POST /api/v1/animals/{id}/genotypes", "genotype.import") {
            try await client.sendCSV(
                "/api/v1/animals/\(donor)/genotypes?panel=P", auth: adminKey, "marker_id,allele_1,allele_2\nM1,A,B\n")
        }

        _ = try await expectAudited("POST /api/v1/lab-tests", "create") {
            try await client.send(
                .post, "/api/v1/lab-tests", auth: adminKey,
                json: ["code": "BVD", "name": "BVD antigen", "sample_kinds": ["blood"]])
        }
        _ = try await expectAudited("POST /api/v1/lab-profiles", "create") {
            try await client.send(
                .post, "/api/v1/lab-profiles", auth: adminKey,
                json: ["code": "EXPORT", "name": "Export health", "tests": ["BVD"]])
        }
        let instrument = try await expectAudited("POST /api/v1/instruments", "create") {
            try await client.send(
                .post, "/api/v1/instruments", auth: adminKey, json: ["name": "Reader", "calibration_due": "2099-01-01"])
        }
        let instrumentID = try id(instrument, "id")
        _ = try await expectAudited("PATCH /api/v1/instruments/{id}", "instrument.calibrate") {
            try await client.send(
                .patch, "/api/v1/instruments/\(instrumentID)", auth: adminKey, json: ["calibration_due": "2099-06-01"])
        }
        let material = try await expectAudited("POST /api/v1/qc-materials", "create") {
            try await client.send(
                .post, "/api/v1/qc-materials", auth: adminKey,
                json: ["name": "Positive control", "test_code": "BVD", "expected": 1, "tolerance": 0.1])
        }
        _ = try await expectAudited("POST /api/v1/qc-runs", "create") {
            try await client.send(
                .post, "/api/v1/qc-runs", auth: adminKey,
                json: ["material_id": try id(material, "id"), "instrument_id": instrumentID, "measured": 1.05])
        }
        let customer = try id(
            try await client.send(
                .post, "/api/v1/customers", auth: adminKey,
                json: ["name": "Audit Farm", "email": "lab@audit-farm.example", "results_delivery": "link"]), "id")
        var blood = TestServer.sampleBody()
        blood["kind"] = "blood"
        let sampleID = try id(try await client.send(.post, "/api/v1/samples", auth: adminKey, json: blood), "id")
        let order = try await expectAudited("POST /api/v1/orders", "result.order") {
            try await client.send(
                .post, "/api/v1/orders", auth: adminKey,
                json: ["customer_id": customer, "sample_ids": [sampleID], "profiles": ["EXPORT"]])
        }
        let analysis = try id(order, "analyses", "id")
        _ = try await expectAudited("POST /api/v1/analyses/{id}/start", "result.in_progress") {
            try await client.send(.post, "/api/v1/analyses/\(analysis)/start", auth: adminKey)
        }
        _ = try await expectAudited("POST /api/v1/analyses/{id}/result", "result.enter") {
            try await client.send(.post, "/api/v1/analyses/\(analysis)/result", auth: adminKey, json: ["value": 0])
        }
        _ = try await expectAudited("POST /api/v1/analyses/{id}/reject", "result.retest") {
            try await client.send(
                .post, "/api/v1/analyses/\(analysis)/reject", auth: adminKey, json: ["reason": "haemolysed"])
        }
        _ = try await client.send(.post, "/api/v1/analyses/\(analysis)/result", auth: adminKey, json: ["value": 0])
        _ = try await expectAudited("POST /api/v1/analyses/{id}/verify", "sign") {
            try await client.send(
                .post, "/api/v1/analyses/\(analysis)/verify", session: session,
                json: ["password": TestServer.password])
        }
        // Verifying the order's only result sent the customer a link.
        let deliveries = try await client.send(
            .get, "/api/v1/orders/\(try id(order, "order", "id"))/deliveries", auth: adminKey)
        let delivery = try id(deliveries, "items", "id")
        _ = try await expectAudited("POST /api/v1/results-deliveries/{id}/revoke", "results.link_revoke") {
            try await client.send(.post, "/api/v1/results-deliveries/\(delivery)/revoke", auth: adminKey)
        }
        try await certificates(
            client, adminKey: adminKey, session: session, goblet: goblet, customer: customer,
            expectAudited: expectAudited)
    }

    /// Certificates: an embryo certificate of a frozen straw, a destination, a health certificate
    /// on a verified BVD result, each revoked.
    static func certificates(
        _ client: some TestClientProtocol, adminKey: String, session: BrowserSession, goblet: Int, customer: Int,
        expectAudited: ExpectAudited
    ) async throws {
        func id(_ response: TestResponse, _ key: String = "id") throws -> Int {
            try #require(try response.json()[key] as? Int)
        }
        let donor = try await client.newAnimal(auth: adminKey, name: "Registered donor")
        let sire = try await client.newAnimal(auth: adminKey, name: "Registered sire", sex: "male")
        for (animal, number) in [(donor, "REG-D"), (sire, "REG-S")] {
            _ = try await client.send(
                .patch, "/api/v1/animals/\(animal)", auth: adminKey,
                json: ["identifiers": [["type": "registration", "value": number]]])
        }
        let flushed = try await client.send(
            .post, "/api/v1/embryos", auth: adminKey,
            json: ["donor_id": donor, "sire_id": sire, "day": 7, "embryos": [["stage": 7, "grade": 1]]])
        let embryo = try #require((try flushed.json()["items"] as? [[String: Any]])?.first?["id"] as? Int)
        let frozen = try await client.send(
            .post, "/api/v1/embryos/\(embryo)/freeze", auth: adminKey, json: ["container_id": goblet])
        let straw = try #require((try frozen.json()["straw"] as? [String: Any])?["id"] as? Int)
        let certificate = try await expectAudited("POST /api/v1/embryo-certificates", "embryo_certificate.issue") {
            try await client.send(
                .post, "/api/v1/embryo-certificates", auth: adminKey,
                json: ["sample_id": straw, "cryoprotectant": "Ethylene glycol"])
        }
        _ = try await expectAudited("POST /api/v1/embryo-certificates/{id}/revoke", "embryo_certificate.revoke") {
            try await client.send(
                .post, "/api/v1/embryo-certificates/\(try id(certificate))/revoke", auth: adminKey,
                json: ["reason": "misprint"])
        }
        let destination = try await expectAudited("POST /api/v1/certificate-destinations", "create") {
            try await client.send(
                .post, "/api/v1/certificate-destinations", auth: adminKey,
                json: ["name": "Export", "tests": ["BVD"], "validity_days": 30])
        }
        _ = try await expectAudited("PATCH /api/v1/certificate-destinations/{id}", "update") {
            try await client.send(
                .patch, "/api/v1/certificate-destinations/\(try id(destination))", auth: adminKey,
                json: ["validity_days": 60])
        }
        var blood = TestServer.sampleBody()
        blood["kind"] = "blood"
        blood["animal_id"] = sire
        blood["collected_at"] = Date().formatted(.iso8601)
        let sample = try id(try await client.send(.post, "/api/v1/samples", auth: adminKey, json: blood))
        let order = try await client.send(
            .post, "/api/v1/orders", auth: adminKey,
            json: ["customer_id": customer, "sample_ids": [sample], "tests": ["BVD"]])
        let analysis = try #require((try order.json()["analyses"] as? [[String: Any]])?.first?["id"] as? Int)
        _ = try await client.send(.post, "/api/v1/analyses/\(analysis)/result", auth: adminKey, json: ["value": 0])
        _ = try await client.send(
            .post, "/api/v1/analyses/\(analysis)/verify", session: session, json: ["password": TestServer.password])
        let health = try await expectAudited("POST /api/v1/health-certificates", "health_certificate.issue") {
            try await client.send(
                .post, "/api/v1/health-certificates", auth: adminKey,
                json: ["animal_id": sire, "destination_id": try id(destination)])
        }
        _ = try await expectAudited("POST /api/v1/health-certificates/{id}/revoke", "health_certificate.revoke") {
            try await client.send(
                .post, "/api/v1/health-certificates/\(try id(health))/revoke", auth: adminKey,
                json: ["reason": "export cancelled"])
        }
    }

    /// Shipments: each step of an outbound one, an inbound check-in, a cancellation.
    static func shipments(
        _ client: some TestClientProtocol, adminKey: String, goblet: Int, codes: [String],
        expectAudited: ExpectAudited
    ) async throws {
        func id(_ response: TestResponse, _ key: String = "id") throws -> Int {
            let body = try response.json()
            return try #require(
                (body[key] as? Int) ?? ((body[key] as? [[String: Any]])?.first?["id"] as? Int))
        }
        let outbound = try id(
            try await expectAudited("POST /api/v1/shipments", "create") {
                try await client.send(
                    .post, "/api/v1/shipments", auth: adminKey,
                    json: ["direction": "outbound", "partner_lab": "Partner Lab", "shipper_id": "DS-1"])
            })
        _ = try await expectAudited("PATCH /api/v1/shipments/{id}", "update") {
            try await client.send(.patch, "/api/v1/shipments/\(outbound)", auth: adminKey, json: ["courier": "Cryo"])
        }
        let added = try await expectAudited("POST /api/v1/shipments/{id}/items", "shipment.add") {
            try await client.send(
                .post, "/api/v1/shipments/\(outbound)/items", auth: adminKey, json: ["code": codes[0]])
        }
        _ = try await expectAudited("DELETE /api/v1/shipment-items/{id}", "shipment.remove") {
            try await client.send(.delete, "/api/v1/shipment-items/\(try id(added, "items"))", auth: adminKey)
        }
        _ = try await client.send(
            .post, "/api/v1/shipments/\(outbound)/items", auth: adminKey, json: ["code": codes[0]])
        for (path, action, body) in [
            ("pack", "shipment.pack", nil), ("hand-over", "shipment.hand_over", [:]),
            ("receive", "shipment.receive", ["discrepancies": "none"]),
            ("shipper-return", "shipment.shipper_return", [:]),
        ] as [(String, String, [String: Any]?)] {
            _ = try await expectAudited("POST /api/v1/shipments/{id}/\(path)", action) {
                try await client.send(.post, "/api/v1/shipments/\(outbound)/\(path)", auth: adminKey, json: body)
            }
        }
        let inbound = try id(
            try await client.send(
                .post, "/api/v1/shipments", auth: adminKey, json: ["direction": "inbound", "partner_lab": "Sender"]))
        _ = try await expectAudited("POST /api/v1/shipments/{id}/check-in", "shipment.check_in") {
            try await client.send(
                .post, "/api/v1/shipments/\(inbound)/check-in", auth: adminKey,
                json: ["code": "SENDER-1", "kind": "semen", "species": "bovine", "container_id": goblet])
        }
        let draft = try id(
            try await client.send(
                .post, "/api/v1/shipments", auth: adminKey, json: ["direction": "outbound", "partner_lab": "Nobody"]))
        _ = try await expectAudited("POST /api/v1/shipments/{id}/cancel", "shipment.cancel") {
            try await client.send(
                .post, "/api/v1/shipments/\(draft)/cancel", auth: adminKey, json: ["reason": "order withdrawn"])
        }
    }

    /// Superovulation protocols, a donor's superovulation and its steps, and her flush.
    static func flushes(
        _ client: some TestClientProtocol, adminKey: String, donor: Int64, sire: Int64, expectAudited: ExpectAudited
    ) async throws {
        func id(_ response: TestResponse, _ key: String = "id") throws -> Int {
            let body = try response.json()
            return try #require((body[key] as? Int) ?? ((body[key] as? [[String: Any]])?.first?["id"] as? Int))
        }
        let steps: [[String: Any]] = [
            ["day": 0, "time": "07:00", "kind": "fsh", "amount": 4, "unit": "ml"],
            ["day": 7, "time": "09:00", "kind": "flush"],
        ]
        let template = try id(
            try await expectAudited("POST /api/v1/superovulation-protocols", "create") {
                try await client.send(
                    .post, "/api/v1/superovulation-protocols", auth: adminKey,
                    json: ["name": "Audit protocol", "species": "bovine", "steps": steps])
            })
        _ = try await expectAudited("PATCH /api/v1/superovulation-protocols/{id}", "update") {
            try await client.send(
                .patch, "/api/v1/superovulation-protocols/\(template)", auth: adminKey, json: ["notes": "changed"])
        }
        _ = try await expectAudited(
            "POST /api/v1/superovulation-protocols/{id}/archive", "superovulation_protocol.archive"
        ) {
            try await client.send(.post, "/api/v1/superovulation-protocols/\(template)/archive", auth: adminKey)
        }
        _ = try await expectAudited(
            "POST /api/v1/superovulation-protocols/{id}/restore", "superovulation_protocol.restore"
        ) {
            try await client.send(.post, "/api/v1/superovulation-protocols/\(template)/restore", auth: adminKey)
        }
        let started = try await expectAudited("POST /api/v1/superovulations", "superovulation.start") {
            try await client.send(
                .post, "/api/v1/superovulations", auth: adminKey,
                json: ["donor_id": donor, "protocol_id": template, "started_on": "2026-01-05"])
        }
        let run = try id(started)
        _ = try await expectAudited("POST /api/v1/superovulation-steps/{id}/done", "superovulation.step_done") {
            try await client.send(
                .post, "/api/v1/superovulation-steps/\(try id(started, "steps"))/done", auth: adminKey)
        }
        _ = try await expectAudited("POST /api/v1/flushes", "create") {
            try await client.send(
                .post, "/api/v1/flushes", auth: adminKey,
                json: [
                    "donor_id": donor, "sire_id": sire, "superovulation_id": run, "flushed_on": "2026-01-12",
                    "recovered": 3, "unfertilised": 1, "embryos": [["stage": 7, "grade": 1]],
                ])
        }
        let other = try id(
            try await client.send(
                .post, "/api/v1/superovulations", auth: adminKey,
                json: ["donor_id": donor, "protocol_id": template, "started_on": "2026-03-01"]))
        _ = try await expectAudited("POST /api/v1/superovulations/{id}/cancel", "superovulation.cancel") {
            try await client.send(
                .post, "/api/v1/superovulations/\(other)/cancel", auth: adminKey, json: ["reason": "did not respond"])
        }
    }

    /// Recipients: enrolment, a change, the check at the chute.
    static func recipients(
        _ client: some TestClientProtocol, adminKey: String, expectAudited: ExpectAudited
    ) async throws {
        let heifer = try await client.newAnimal(auth: adminKey, name: "Heifer")
        let enrolled = try await expectAudited("POST /api/v1/recipients", "create") {
            try await client.send(
                .post, "/api/v1/recipients", auth: adminKey,
                json: ["animal_id": heifer, "oestrus_on": Day.adding(-7, to: Day.today) ?? ""])
        }
        let id = try #require(try enrolled.json()["id"] as? Int)
        _ = try await expectAudited("PATCH /api/v1/recipients/{id}", "update") {
            try await client.send(.patch, "/api/v1/recipients/\(id)", auth: adminKey, json: ["protocol": "Ovsynch"])
        }
        _ = try await expectAudited("POST /api/v1/recipients/{id}/checks", "recipient.check") {
            try await client.send(
                .post, "/api/v1/recipients/\(id)/checks", auth: adminKey,
                json: ["cl_present": true, "cl_side": "left", "cl_score": 1])
        }
    }
}
