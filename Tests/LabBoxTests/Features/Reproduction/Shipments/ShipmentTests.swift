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

/// Shipments through the API and the pages: straws scanned onto an outbound shipment and checked
/// out together when it is packed, an inbound one checked in by the sender's codes, and every
/// refusal leaving everything as it was.
@Suite struct ShipmentTests {
    /// The scopes a shipping clerk's key carries: shipments are storage work.
    static let scopes: Set<String> = ["storage:read", "storage:write", "samples:read"]

    struct Store {
        let goblet: Int
        let codes: [String]
        let ids: [Int]
    }

    /// Tank T1 / C1 / G1 (6 slots) holding three semen straws of one collection.
    private func store(_ client: some TestClientProtocol, admin: String) async throws -> Store {
        func container(_ body: [String: Any]) async throws -> Int {
            try #require(
                try await client.send(.post, "/api/v1/storage/containers", auth: admin, json: body).json()["id"] as? Int
            )
        }
        let tank = try await container(["kind": "tank", "name": "T1"])
        let canister = try await container(["kind": "canister", "name": "C1", "parent_id": tank])
        let goblet = try await container(["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 6])
        let sire = try await client.newAnimal(auth: admin, name: "Bruno", sex: "male")
        let collection = try await client.postJSON(
            "/api/v1/semen-collections", auth: admin, ["sire_id": sire, "collected_on": "2026-01-10"])
        let collectionID = try #require(collection["id"] as? Int)
        let processed = try await client.postJSON(
            "/api/v1/semen-collections/\(collectionID)/process", auth: admin,
            ["straws": 3, "doses_per_straw": 20, "container_id": goblet])
        let straws = try #require(processed["items"] as? [[String: Any]])
        return Store(
            goblet: goblet, codes: straws.compactMap { $0["external_id"] as? String },
            ids: straws.compactMap { $0["id"] as? Int })
    }

    private func field(_ body: [String: Any]) -> String? {
        (body["error"] as? [String: Any])?["field"] as? String
    }

    private func sample(_ client: some TestClientProtocol, _ id: Int, key: String) async throws -> [String: Any] {
        try await client.send(.get, "/api/v1/samples/\(id)", auth: key).json()
    }

    @Test func outboundStrawsAreCheckedOutTogetherWhenPackedOrNotAtAll() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let store = try await self.store(client, admin: admin)
            let customer = try #require(
                try await client.postJSON("/api/v1/customers", auth: admin, ["name": "Hill Farm"])["id"] as? Int)

            let shipment = try await step("a draft to a customer, with a shipper charged for ten days") {
                let refused = try await client.postJSON(
                    "/api/v1/shipments", auth: key, ["direction": "outbound"], expect: .unprocessableContent)
                #expect(field(refused) == "customer_id")
                let sideways = try await client.postJSON(
                    "/api/v1/shipments", auth: key, ["direction": "sideways", "partner_lab": "X"],
                    expect: .unprocessableContent)
                #expect(field(sideways) == "direction")
                let long = try await client.postJSON(
                    "/api/v1/shipments", auth: key,
                    ["direction": "outbound", "partner_lab": String(repeating: "x", count: 201)],
                    expect: .unprocessableContent)
                #expect(field(long) == "partner_lab")
                let created = try await client.postJSON(
                    "/api/v1/shipments", auth: key,
                    [
                        "direction": "outbound", "customer_id": customer, "courier": "CryoExpress",
                        "shipper_id": "DS-07", "charged_at": "2026-03-01T08:00:00Z", "hold_days": 10,
                    ])
                #expect(created["code"] as? String == "SH-0001")
                #expect(created["status"] as? String == "draft")
                #expect(created["counterparty"] as? String == "Hill Farm")
                #expect(created["must_arrive_by"] as? String == "2026-03-11T08:00:00Z")
                return try #require(created["id"] as? Int)
            }

            try await step("straws are scanned on; unknown, repeated or doubly shipped ones are refused") {
                for code in store.codes {
                    _ = try await client.postJSON(
                        "/api/v1/shipments/\(shipment)/items", auth: key, ["code": code, "canister": "1"])
                }
                let again = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/items", auth: key, ["code": store.codes[0]], expect: .conflict)
                #expect(field(again) == "code")
                let unknown = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/items", auth: key, ["code": "NO-SUCH-STRAW"],
                    expect: .unprocessableContent)
                #expect(field(unknown) == "code")
                let other = try #require(
                    try await client.postJSON(
                        "/api/v1/shipments", auth: key, ["direction": "outbound", "partner_lab": "Lab B"])["id"] as? Int
                )
                let elsewhere = try await client.postJSON(
                    "/api/v1/shipments/\(other)/items", auth: key, ["code": store.codes[1]], expect: .conflict)
                #expect(field(elsewhere) == "code")
                #expect(
                    ((elsewhere["error"] as? [String: Any])?["message"] as? String)?.contains("SH-0001") == true)
            }

            try await step("a straw thawed meanwhile refuses the packing, and nothing changes") {
                _ = try await client.postJSON(
                    "/api/v1/storage/check-out", auth: admin, ["sample_id": store.ids[2], "reason": "thaw"],
                    expect: .ok)
                let before = try await server.auditEvents().count
                let refused = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/pack", auth: key, [:], expect: .conflict)
                #expect(field(refused) == "items")
                #expect(try await server.auditEvents().count == before)
                for id in store.ids.prefix(2) {
                    let straw = try await sample(client, id, key: key)
                    #expect(straw["status"] as? String == "stored")
                    #expect(straw["container_id"] as? Int == store.goblet)
                }
                let detail = try await client.send(.get, "/api/v1/shipments/\(shipment)", auth: key).json()
                #expect(detail["status"] as? String == "draft")
                let items = try #require(detail["items"] as? [[String: Any]])
                let thawed = try #require(items.first { $0["code"] as? String == store.codes[2] }?["id"] as? Int)
                let removed = try await client.send(.delete, "/api/v1/shipment-items/\(thawed)", auth: key)
                #expect(removed.status == .ok)
            }

            try await step("packing checks the rest out in one go; the contents are then fixed") {
                let packed = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/pack", auth: key, [:], expect: .ok)
                #expect(packed["status"] as? String == "packed")
                for id in store.ids.prefix(2) {
                    let straw = try await sample(client, id, key: key)
                    #expect(straw["status"] as? String == "shipped")
                    #expect(straw["container_id"] is NSNull)
                }
                let late = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/items", auth: key, ["code": store.codes[2]], expect: .conflict)
                #expect(field(late) == "status")
                let outOfOrder = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/receive", auth: key, [:], expect: .conflict)
                #expect(field(outOfOrder) == "status")
            }

            try await step("handed over, received with discrepancies, the shipper back: closed") {
                let handed = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/hand-over", auth: key, ["tracking_no": "CX123"], expect: .ok)
                #expect(handed["status"] as? String == "handed_over")
                #expect(handed["tracking_no"] as? String == "CX123")
                let received = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/receive", auth: key,
                    ["received_at": "2026-03-03T10:00:00Z", "discrepancies": "One straw cracked."], expect: .ok)
                #expect(received["discrepancies"] as? String == "One straw cracked.")
                let closed = try await client.postJSON(
                    "/api/v1/shipments/\(shipment)/shipper-return", auth: key, [:], expect: .ok)
                #expect(closed["status"] as? String == "closed")
                let frozen = try await client.send(
                    .patch, "/api/v1/shipments/\(shipment)", auth: key, json: ["notes": "late"])
                #expect(frozen.status == .conflict)
            }

            try await step("the straw's page and history show the shipment") {
                let session = try await server.signIn(.technician)
                let page = try await client.send(.get, "/samples/\(store.ids[0])", session: session)
                #expect(page.text.contains("linked-shipments"))
                #expect(page.text.contains("SH-0001"))
                let history = try await client.send(.get, "/samples/\(store.ids[0])?tab=history", session: session)
                #expect(history.text.contains("SH-0001 to Hill Farm"))
            }
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    @Test func inboundStrawsAreCheckedInUnderTheSendersCodes() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let store = try await self.store(client, admin: admin)
            let shipment = try #require(
                try await client.postJSON(
                    "/api/v1/shipments", auth: key,
                    ["direction": "inbound", "partner_lab": "Genetics Centre North", "expected_straws": 2])["id"]
                    as? Int)
            let path = "/api/v1/shipments/\(shipment)/check-in"
            let straw = try await client.postJSON(
                path, auth: key,
                [
                    "code": "GCN-0042", "kind": "semen", "species": "bovine", "container_id": store.goblet,
                    "canister": "2",
                ])
            #expect(straw["external_id"] as? String == "GCN-0042")
            #expect(straw["status"] as? String == "stored")
            #expect(straw["position"] as? Int == 4)
            for (body, status, expected) in [
                (
                    ["code": "GCN-0042", "kind": "semen", "species": "bovine", "container_id": store.goblet], .conflict,
                    "code"
                ),
                (
                    ["code": "GCN-0043", "kind": "blood", "species": "bovine", "container_id": store.goblet],
                    .unprocessableContent, "kind"
                ),
                (
                    [
                        "code": "GCN-0043", "kind": "semen", "species": "bovine", "container_id": store.goblet,
                        "position": 1,
                    ], .conflict, "position"
                ),
                (
                    ["code": "", "kind": "semen", "species": "bovine", "container_id": store.goblet],
                    .unprocessableContent, "code"
                ),
            ] as [([String: Any], HTTPResponse.Status, String)] {
                let refused = try await client.postJSON(path, auth: key, body, expect: status)
                #expect(field(refused) == expected, "\(body)")
            }
            // None of the refused check-ins left a sample behind.
            let lookup = try await client.send(.get, "/api/v1/samples?limit=200", auth: key).json()
            #expect((lookup["items"] as? [[String: Any]])?.count == 4)

            let received = try await client.postJSON(
                "/api/v1/shipments/\(shipment)/receive", auth: key, ["discrepancies": "Expected 2, found 1."],
                expect: .ok)
            #expect(received["status"] as? String == "received")
            #expect((received["items"] as? [[String: Any]])?.first?["address"] as? String == "T1 / C1 / G1 / 4")
            let cancel = try await client.postJSON(
                "/api/v1/shipments/\(shipment)/cancel", auth: key, ["reason": "x"], expect: .conflict)
            #expect(field(cancel) == "status")
            let noShipper = try await client.postJSON(
                "/api/v1/shipments/\(shipment)/shipper-return", auth: key, [:], expect: .unprocessableContent)
            #expect(field(noShipper) == "shipper_id")
            _ = try await client.send(
                .patch, "/api/v1/shipments/\(shipment)", auth: key, json: ["shipper_id": "GCN-DS3"])
            let closed = try await client.postJSON(
                "/api/v1/shipments/\(shipment)/shipper-return", auth: key, ["returned_at": "2026-03-05T12:00:00Z"],
                expect: .ok)
            #expect(closed["status"] as? String == "closed")
            // The straw that arrived may go out again.
            let onward = try #require(
                try await client.postJSON(
                    "/api/v1/shipments", auth: key, ["direction": "outbound", "partner_lab": "Lab C"])["id"] as? Int)
            _ = try await client.postJSON("/api/v1/shipments/\(onward)/items", auth: key, ["code": "GCN-0042"])
            let listed = try await client.send(.get, "/api/v1/shipments?direction=inbound&status=closed", auth: key)
            #expect((try listed.json()["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func pagesCreateScanPackAndPrintThePackingList() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let store = try await self.store(client, admin: admin)
            let created = try await client.sendForm(
                "/shipments", session: session,
                [
                    "direction": "outbound", "partner_lab": "Lab <South>", "courier": "Cryo", "shipper_id": "DS-1",
                    "charged_at": "2026-03-01T08:00", "hold_days": "7",
                ])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            let refused = try await client.sendForm("/shipments", session: session, ["direction": "outbound"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("partner lab"))
            _ = try await client.sendForm(
                "\(location)/items", session: session, ["code": store.codes[0], "canister": "A"])
            let page = try await client.send(.get, location, session: session)
            #expect(page.status == .ok)
            #expect(page.text.contains(store.codes[0]))
            #expect(page.text.contains("Lab &lt;South&gt;"))
            #expect(page.text.contains("Pack 1 straws"))
            _ = try await client.sendForm("\(location)/pack", session: session, [:])
            let list = try await client.send(.get, "/shipments?status=packed", session: session)
            #expect(list.text.contains("SH-0001"))
            let packingList = try await client.send(.get, "\(location)/packing-list", session: session)
            #expect(packingList.status == .ok)
            #expect(packingList.text.contains(store.codes[0]))
            #expect(packingList.text.contains("data-print"))
            let auditor = try await server.signIn(.auditor)
            let readOnly = try await client.send(.get, location, session: auditor)
            #expect(readOnly.status == .ok)
            #expect(!readOnly.text.contains("/hand-over"))
        }
    }
}
