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

    /// The counts the triggers keep (migration 0034) against a recount of the samples after each
    /// kind of change: check-in, move, dose change, check-out, deletion; a container cannot move.
    @Test func theStockCountsFollowEveryChangeAndMatchARecount() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        @Sendable func expectRecount(_ what: String) async throws {
            let found = try await server.services.database.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        WITH RECURSIVE below(id, root) AS (
                            SELECT id, id FROM storage_containers
                            UNION ALL SELECT c.id, below.root FROM storage_containers c JOIN below ON c.parent_id = below.id),
                        held AS (
                            SELECT b.root, COUNT(s.id) AS items,
                                COALESCE(SUM(CASE WHEN s.id IS NULL THEN 0 ELSE COALESCE(s.doses, 1) END), 0) AS doses,
                                MAX(c.rows * c.columns) AS capacity
                            FROM below b JOIN storage_containers c ON c.id = b.id
                            LEFT JOIN samples s ON s.container_id = b.id GROUP BY b.root, b.id)
                        SELECT
                            (SELECT COUNT(*) FROM (
                                SELECT root, SUM(items) AS items, SUM(doses) AS doses, SUM(capacity) AS capacity
                                FROM held GROUP BY root) t
                             LEFT JOIN container_stock k ON k.container_id = t.root
                             WHERE k.items IS NOT t.items OR k.doses IS NOT t.doses OR k.capacity IS NOT t.capacity)
                             AS containers,
                            (SELECT COUNT(*) FROM (
                                SELECT animal_id, kind, COUNT(*) AS items, SUM(COALESCE(doses, 1)) AS doses FROM samples
                                WHERE container_id IS NOT NULL AND animal_id IS NOT NULL GROUP BY 1, 2) t
                             LEFT JOIN animal_stock k USING (animal_id, kind)
                             WHERE k.items IS NOT t.items OR k.doses IS NOT t.doses) AS animals,
                            (SELECT COUNT(*) FROM samples) - (SELECT COALESCE(SUM(n), 0) FROM samples_received)
                             AS received,
                            (SELECT group_concat(container_id || ':' || items || '/' || doses || '/' || capacity, ' ')
                             FROM container_stock) AS stock
                        """)
                let containers: Int = row?["containers"] ?? -1
                let animals: Int = row?["animals"] ?? -1
                let received: Int = row?["received"] ?? -1
                let stock: String = row?["stock"] ?? ""
                return (containers, animals, received, stock)
            }
            #expect(found.0 == 0 && found.1 == 0 && found.2 == 0, "\(what): \(found)")
        }
        try await server.test { client in
            let (tank, g1, g2) = try await self.tank(client, admin: admin)
            let animal = try #require(
                try await client.send(
                    .post, "/api/v1/animals", auth: admin,
                    json: ["name": "Sire", "species": "bovine", "sex": "male"]
                ).json()["id"] as? Int)
            var ids = try await samples(client, key: admin, count: 3)
            let semen = try await client.send(
                .post, "/api/v1/samples", auth: admin,
                json: TestServer.sampleBody("SEMEN-1").merging(["animal_id": animal, "kind": "semen", "doses": 5]) {
                    $1
                })
            ids.append(try #require(try semen.json()["id"] as? Int))
            try await expectRecount("created")
            for (index, id) in ids.enumerated() {
                _ = try await client.send(
                    .post, "/api/v1/storage/check-in", auth: admin,
                    json: ["sample_id": id, "container_id": index < 2 ? g1 : g2, "position": index % 2 + 1])
            }
            try await expectRecount("checked in")
            let usage = try await client.send(.get, "/api/v1/storage/containers/\(tank)", auth: admin).json()
            #expect(usage["used"] as? Int == 4 && usage["capacity"] as? Int == 8)
            _ = try await client.send(
                .post, "/api/v1/storage/move", auth: admin,
                json: ["sample_id": ids[0], "container_id": g2, "position": 3, "reason": "reorganised"])
            _ = try await client.send(
                .patch, "/api/v1/samples/\(ids[3])", auth: admin, json: ["doses": 3, "reason": "two used"])
            try await expectRecount("moved, doses changed")
            let bySire = try await client.send(.get, "/api/v1/storage/inventory?by=sire", auth: admin).json()
            let sires = try #require(bySire["items"] as? [[String: Any]])
            #expect(sires.count == 1 && sires.first?["doses"] as? Int == 3)
            let byTank = try await client.send(.get, "/api/v1/storage/inventory?by=tank", auth: admin).json()
            #expect((byTank["items"] as? [[String: Any]])?.first?["items"] as? Int == 4)
            _ = try await client.send(
                .post, "/api/v1/storage/check-out", auth: admin, json: ["sample_id": ids[1], "reason": "thaw"])
            try await expectRecount("checked out")
            let deleted = ids[2]
            try await server.services.database.write { db in
                try db.execute(sql: "DELETE FROM samples WHERE id = ?", arguments: [deleted])
            }
            try await expectRecount("deleted")
        }
        #expect(throws: DatabaseError.self) {
            try server.services.database.pool.write { db in
                try db.execute(sql: "UPDATE storage_containers SET parent_id = NULL WHERE kind = 'goblet'")
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
