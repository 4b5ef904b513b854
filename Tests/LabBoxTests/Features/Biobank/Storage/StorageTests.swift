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

@Suite struct StorageTests {
    /// Tank T1 → canister C1 → goblets G1 (4 slots) and G2 (4 slots); returns (tank, g1, g2).
    private func tank(_ client: some TestClientProtocol, admin: String) async throws -> (Int, Int, Int) {
        func create(_ body: [String: Any]) async throws -> Int {
            let response = try await client.send(.post, "/api/v1/storage/containers", auth: admin, json: body)
            #expect(response.status == .created, "\(response.text)")
            return try #require(try response.json()["id"] as? Int)
        }
        let tank = try await create(["kind": "tank", "name": "T1"])
        let canister = try await create(["kind": "canister", "name": "C1", "parent_id": tank])
        let g1 = try await create(["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 4])
        let g2 = try await create(["kind": "goblet", "name": "G2", "parent_id": canister, "columns": 4])
        return (tank, g1, g2)
    }

    private func samples(_ client: some TestClientProtocol, key: String, count: Int) async throws -> [Int] {
        var ids: [Int] = []
        for index in 0..<count {
            let response = try await client.send(
                .post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("STRAW-\(index)"))
            ids.append(try #require(try response.json()["id"] as? Int))
        }
        return ids
    }

    @Test func containersFollowTheLayoutRules() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let orphan = try await client.send(
                .post, "/api/v1/storage/containers", auth: admin, json: ["kind": "canister", "name": "C9"])
            #expect(try orphan.apiError()["field"] as? String == "parent_id")
            let (tank, g1, _) = try await tank(client, admin: admin)
            let noSlots = try await client.send(
                .post, "/api/v1/storage/containers", auth: admin, json: ["kind": "box", "name": "B", "rows": 0])
            #expect(noSlots.status == .unprocessableContent)
            let duplicate = try await client.send(
                .post, "/api/v1/storage/containers", auth: admin, json: ["kind": "tank", "name": "T1"])
            #expect(duplicate.status == .conflict)
            let detail = try await client.send(.get, "/api/v1/storage/containers/\(g1)", auth: admin)
            #expect(try detail.json()["address"] as? String == "T1 / C1 / G1")
            let usage = try await client.send(.get, "/api/v1/storage/containers/\(tank)", auth: admin)
            #expect(try usage.json()["capacity"] as? Int == 8)
        }
    }

    @Test func checkInMoveAndCheckOutAreAuditedAndAPositionHoldsOneItem() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let (tank, g1, g2) = try await step("set up T1 / C1 / G1 and G2") {
                try await self.tank(client, admin: admin)
            }
            let ids = try await step("create three samples") { try await samples(client, key: admin, count: 3) }

            try await step("check one in at G1 / 2, refusing taken, outside and tank positions") {
                let checkIn = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": ids[0], "container_id": g1, "position": 2])
                #expect(checkIn.status == .ok)
                #expect(try checkIn.json()["status"] as? String == "stored")
                let taken = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": ids[1], "container_id": g1, "position": 2])
                #expect(taken.status == .conflict)
                #expect(try taken.apiError()["field"] as? String == "position")
                let outside = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": ids[1], "container_id": g1, "position": 5])
                #expect(try outside.apiError()["field"] as? String == "position")
                let intoTank = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": ids[1], "container_id": tank, "position": 1])
                #expect(try intoTank.apiError()["field"] as? String == "container_id")
            }

            try await step("move it to G2 / 1 with a reason") {
                let unreasoned = try await client.send(
                    .post, "/api/v1/storage/move", auth: admin,
                    json: ["sample_id": ids[0], "container_id": g2, "position": 1])
                #expect(try unreasoned.apiError()["field"] as? String == "reason")
                let moved = try await client.send(
                    .post, "/api/v1/storage/move", auth: admin,
                    json: [
                        "sample_id": ids[0], "container_id": g2, "position": 1, "reason": "canister 1 is being emptied",
                    ])
                #expect(try moved.json()["container_id"] as? Int == g2)
            }

            try await step("list the tank's first five free positions") {
                let free = try await client.send(
                    .get, "/api/v1/storage/containers/\(tank)/free?count=5", auth: admin)
                let slots = try #require(try free.json()["items"] as? [[String: Any]]).map {
                    $0["address"] as? String
                }
                #expect(
                    slots == [
                        "T1 / C1 / G1 / 1", "T1 / C1 / G1 / 2", "T1 / C1 / G1 / 3", "T1 / C1 / G1 / 4",
                        "T1 / C1 / G2 / 2",
                    ])
            }

            try await step("check it out, and free the position of a sample used up") {
                let out = try await client.send(
                    .post, "/api/v1/storage/check-out", auth: admin, json: ["sample_id": ids[0], "reason": "thaw"])
                #expect(try out.json()["status"] as? String == "in_process")
                #expect(try out.json()["container_id"] is NSNull)

                // A final status frees the position.
                _ = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": ids[2], "container_id": g1, "position": 4])
                let used = try await client.send(
                    .patch, "/api/v1/samples/\(ids[2])", auth: admin, json: ["status": "used", "reason": "inseminated"])
                #expect(try used.json()["container_id"] is NSNull)
            }

            try await step("show check-in, move and check-out in the sample's history") {
                let history = try await client.send(.get, "/api/v1/samples/\(ids[0])/history", auth: admin)
                let actions = try #require(try history.json()["items"] as? [[String: Any]]).map {
                    $0["action"] as? String
                }
                #expect(actions == ["storage.check_out", "storage.move", "storage.check_in", "create"])
            }
        }
        // The database itself refuses a double booking, whatever the code does.
        #expect(throws: DatabaseError.self) {
            try server.services.database.pool.write { db in
                try db.execute(sql: "UPDATE samples SET container_id = 3, position = 1")
            }
        }
    }

    @Test func bulkMovesAreAllOrNothingWithPerItemResults() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let (_, g1, g2) = try await tank(client, admin: admin)
            let ids = try await samples(client, key: admin, count: 3)
            for (index, id) in ids.enumerated() {
                _ = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": id, "container_id": g1, "position": index + 1])
            }
            let clash = try await client.send(
                .post, "/api/v1/storage/moves", auth: admin,
                json: [
                    "reason": "reorganise",
                    "moves": [
                        ["sample_id": ids[0], "container_id": g2, "position": 1],
                        ["sample_id": ids[1], "container_id": g2, "position": 1],
                    ],
                ])
            #expect(clash.status == .unprocessableContent)
            let results = try #require(try clash.json()["results"] as? [[String: Any]])
            #expect(results.map { $0["ok"] as? Bool } == [true, false])
            let map = try await client.send(.get, "/api/v1/storage/containers/\(g2)/map", auth: admin)
            #expect(try #require(try map.json()["items"] as? [[String: Any]]).allSatisfy { $0["sample_id"] == nil })

            let good = try await client.send(
                .post, "/api/v1/storage/moves", auth: admin,
                json: [
                    "reason": "reorganise",
                    "moves": ids.enumerated().map { ["sample_id": $1, "container_id": g2, "position": $0 + 2] },
                ])
            #expect(good.status == .ok)
            #expect(try good.json()["applied"] as? Bool == true)
        }
        let moves = try await server.auditEvents().filter { $0.action == "storage.move" }
        #expect(moves.count == 3)
        #expect(moves.allSatisfy { $0.reason == "reorganise" })
    }

    @Test func tankFillsAreLoggedWithWhoDidThem() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let (tank, g1, _) = try await tank(client, admin: admin)
            let fill = try await client.send(
                .post, "/api/v1/storage/containers/\(tank)/fills", session: technician,
                json: ["level_before_cm": 21.5, "level_after_cm": 48, "litres": 35])
            #expect(fill.status == .created)
            let notATank = try await client.send(
                .post, "/api/v1/storage/containers/\(g1)/fills", session: technician, json: ["litres": 1])
            #expect(notATank.status == .notFound)
            let log = try await client.send(.get, "/api/v1/storage/containers/\(tank)/fills", session: technician)
            let entry = try #require(try log.json()["items"] as? [[String: Any]]).first
            #expect(entry?["by_name"] as? String == Role.technician.label)
            #expect(entry?["level_after_cm"] as? Double == 48)
            let page = try await client.execute(uri: "/storage/\(tank)", method: .get, headers: technician.headers)
            #expect(page.text.contains("48.0 cm"))
            let key = try await server.apiKey(["admin"])
            let sample = try #require(
                try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody("MAP-1")).json()[
                    "id"]
                    as? Int)
            _ = try await client.send(
                .post, "/api/v1/storage/check-in", auth: key,
                json: ["sample_id": sample, "container_id": g1, "position": 3])
            for (colour, tone) in [("kind", "cell-semen"), ("status", "cell-status-stored"), ("owner", "cell-other")] {
                let map = try await client.execute(
                    uri: "/storage/\(g1)?colour=\(colour)", method: .get, headers: technician.headers)
                #expect(map.text.contains("class=\"cell \(tone)\""), "\(colour)")
            }
        }
    }
}

@Suite struct StorageBulkPageTests {
    @Test func selectedSamplesGoIntoTheFirstFreePositions() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            func create(_ body: [String: Any]) async throws -> Int {
                try #require(
                    try await client.send(.post, "/api/v1/storage/containers", auth: admin, json: body).json()["id"]
                        as? Int)
            }
            let freezer = try await create(["kind": "freezer", "name": "F1"])
            let box = try await create(["kind": "box", "name": "B1", "parent_id": freezer, "rows": 2, "columns": 2])
            var ids: [Int] = []
            for index in 0..<3 {
                ids.append(
                    try #require(
                        try await client.send(
                            .post, "/api/v1/samples", auth: admin, json: TestServer.sampleBody("P-\(index)")
                        )
                        .json()["id"] as? Int))
            }
            _ = try await client.send(
                .post, "/api/v1/storage/check-in", auth: admin,
                json: ["sample_id": ids[2], "container_id": box, "position": 1])
            var headers = session.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let form = "_csrf=\(session.csrf)&ids[]=\(ids[0])&ids[]=\(ids[1])&container_id=\(freezer)&move_reason="
            let moved = try await client.execute(
                uri: "/samples/bulk-move", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(moved.status == .seeOther)
            let map = try await client.send(.get, "/api/v1/storage/containers/\(box)/map", auth: admin)
            let cells = try #require(try map.json()["items"] as? [[String: Any]])
            #expect(cells.map { $0["external_id"] as? String } == ["P-2", "P-0", "P-1", nil])
            let full =
                "_csrf=\(session.csrf)&ids[]=\(ids[0])&ids[]=\(ids[1])&container_id=\(box)&move_reason=reorganise"
            let tooMany = try await client.execute(
                uri: "/samples/bulk-move", method: .post, headers: headers, body: ByteBuffer(string: full))
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.text.contains("free positions"))
        }
    }

    /// `by` is one of tank, sire, customer (issue 20: the API fuzz run found `by=` answered 200 with
    /// the default grouping). On the API an empty value is a value; on the page it is "not given".
    @Test func theInventoryRefusesAGroupingTheDocumentDoesNotList() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            for by in ["", "shelf"] {
                let refused = try await client.send(.get, "/api/v1/storage/inventory?by=\(by)", auth: key)
                #expect(refused.status == .badRequest, "by=\(by)")
                #expect(try refused.apiError()["field"] as? String == "by")
            }
            let sire = try await client.send(.get, "/api/v1/storage/inventory?by=sire", auth: key)
            #expect(try sire.json()["by"] as? String == "sire")
        }
    }
}
