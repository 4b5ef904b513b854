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

/// Conventional embryo transfer through the API and the pages: a protocol applied to a donor
/// becomes her dated schedule and the team's worklist, her flush records the yield and its graded
/// embryos as in vivo embryo records, and every refusal leaves everything as it was.
@Suite struct FlushTests {
    static let scopes: Set<String> = ["reproduction:read", "reproduction:write"]

    /// Out of order, one time without its leading zero: the protocol comes back sorted and tidy.
    static var steps: [[String: Any]] {
        [
            ["day": 0, "time": "19:00", "kind": "fsh", "amount": 4, "unit": "ml"],
            ["day": 0, "time": "7:00", "kind": "fsh", "amount": 4, "unit": "ml"],
            ["day": 2, "time": "07:00", "kind": "pgf", "amount": 2, "unit": "ml", "note": "with the 5th dose"],
            ["day": 4, "time": "19:00", "kind": "insemination"],
            ["day": 11, "time": "09:00", "kind": "flush"],
        ]
    }

    private func field(_ body: [String: Any]) -> String? {
        (body["error"] as? [String: Any])?["field"] as? String
    }

    /// What a refused write may not have changed: audit events, embryos, flushes, superovulations.
    private func counts(_ server: TestServer) async throws -> [Int] {
        try await server.services.database.read { db in
            try ["audit_events", "embryos", "flushes", "superovulations", "superovulation_steps"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
    }

    @Test func aProtocolBecomesTheDonorsScheduleAndHerFlushItsEmbryos() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let key = try await server.apiKey(Self.scopes)
        try await server.test { client in
            let donor = try await client.newAnimal(auth: admin, name: "Bella")
            let other = try await client.newAnimal(auth: admin, name: "Clara")
            let sire = try await client.newAnimal(auth: admin, name: "Bruno", sex: "male")
            let ram = try await client.newAnimal(auth: admin, name: "Ram", sex: "male", species: "ovine")

            let template = try await step("a protocol is refused until it is whole, then kept in order") {
                let before = try await counts(server)
                for (body, expected) in [
                    (["name": "P", "species": "bovine", "steps": []], "steps"),
                    (
                        ["name": "P", "species": "bovine", "steps": [["day": 0, "time": "25:00", "kind": "fsh"]]],
                        "steps"
                    ),
                    (
                        ["name": "P", "species": "bovine", "steps": [["day": 0, "time": "07:00", "kind": "hcg"]]],
                        "steps"
                    ),
                    (
                        ["name": "P", "species": "bovine", "steps": [["day": 61, "time": "07:00", "kind": "fsh"]]],
                        "steps"
                    ),
                    (
                        [
                            "name": "P", "species": "bovine",
                            "steps": [["day": 0, "time": "07:00", "kind": "fsh", "amount": -1]],
                        ],
                        "steps"
                    ),
                    (["name": String(repeating: "x", count: 121), "species": "bovine", "steps": Self.steps], "name"),
                    (["name": "P", "species": "dragon", "steps": Self.steps], "species"),
                ] as [([String: Any], String)] {
                    let refused = try await client.postJSON(
                        "/api/v1/superovulation-protocols", auth: key, body, expect: .unprocessableContent)
                    #expect(field(refused) == expected, "\(body)")
                }
                #expect(try await counts(server) == before)
                let created = try await client.postJSON(
                    "/api/v1/superovulation-protocols", auth: key,
                    ["name": "FSH 4-day", "species": "bovine", "steps": Self.steps])
                let steps = try #require(created["steps"] as? [[String: Any]])
                #expect(steps.compactMap { $0["time"] as? String }.prefix(2) == ["07:00", "19:00"])
                #expect(steps.last?["kind"] as? String == "flush")
                let taken = try await client.postJSON(
                    "/api/v1/superovulation-protocols", auth: key,
                    ["name": "FSH 4-day", "species": "bovine", "steps": Self.steps], expect: .conflict)
                #expect(field(taken) == "name")
                return try #require(created["id"] as? Int)
            }

            let run = try await step("applied to a donor: her dated schedule, one protocol at a time") {
                let wrongSpecies = try await client.postJSON(
                    "/api/v1/superovulations", auth: key,
                    ["donor_id": ram, "protocol_id": template, "started_on": "2026-02-01"],
                    expect: .unprocessableContent)
                #expect(field(wrongSpecies) == "donor_id")
                let male = try await client.postJSON(
                    "/api/v1/superovulations", auth: key,
                    ["donor_id": sire, "protocol_id": template, "started_on": "2026-02-01"],
                    expect: .unprocessableContent)
                #expect(field(male) == "donor_id")
                let started = try await client.postJSON(
                    "/api/v1/superovulations", auth: key,
                    ["donor_id": donor, "protocol_id": template, "started_on": "2026-02-01"])
                #expect(started["code"] as? String == "SO-0001")
                let schedule = try #require(started["steps"] as? [[String: Any]])
                #expect(schedule.count == 5)
                #expect(schedule.first?["due_on"] as? String == "2026-02-01")
                #expect(schedule.first?["due_time"] as? String == "07:00")
                #expect(schedule.last?["due_on"] as? String == "2026-02-12")
                let again = try await client.postJSON(
                    "/api/v1/superovulations", auth: key,
                    ["donor_id": donor, "protocol_id": template, "started_on": "2026-02-03"], expect: .conflict)
                #expect(field(again) == "donor_id")
                // The template changes; the running schedule stays as it was given.
                let changed = try await client.send(
                    .patch, "/api/v1/superovulation-protocols/\(template)", auth: key,
                    json: [
                        "steps": [
                            ["day": 0, "time": "08:00", "kind": "fsh"], ["day": 9, "time": "09:00", "kind": "flush"],
                        ]
                    ])
                #expect(changed.status == .ok)
                let id = try #require(started["id"] as? Int)
                let detail = try await client.send(.get, "/api/v1/superovulations/\(id)", auth: key).json()
                #expect((detail["steps"] as? [[String: Any]])?.count == 5)
                return (id: id, steps: schedule.compactMap { $0["id"] as? Int })
            }

            try await step("the worklist of a day, and a step done once, by whom") {
                let worklist = try await client.send(
                    .get, "/api/v1/superovulations/worklist?day=2026-02-03", auth: key
                ).json()
                let items = try #require(worklist["items"] as? [[String: Any]])
                #expect(items.count == 1)
                #expect(items.first?["donor"] as? String == "Bella")
                #expect(items.first?["kind"] as? String == "pgf")
                let bad = try await client.send(.get, "/api/v1/superovulations/worklist?day=yesterday", auth: key)
                #expect(bad.status == .badRequest)
                let done = try await client.postJSON(
                    "/api/v1/superovulation-steps/\(run.steps[0])/done", auth: key, [:], expect: .ok)
                #expect(done["done_by"] as? String != nil)
                #expect(done["done_at"] as? String != nil)
                let twice = try await client.postJSON(
                    "/api/v1/superovulation-steps/\(run.steps[0])/done", auth: key, [:], expect: .conflict)
                #expect(field(twice) == "step")
            }

            let flush = try await step("a flush that does not add up changes nothing") {
                let before = try await counts(server)
                let base: [String: Any] = [
                    "donor_id": donor, "sire_id": sire, "superovulation_id": run.id, "flushed_on": "2026-02-12",
                ]
                for (extra, status, expected) in [
                    (
                        [
                            "recovered": 3, "unfertilised": 1,
                            "embryos": [
                                ["stage": 7, "grade": 1], ["stage": 7, "grade": 1], ["stage": 6, "grade": 2],
                            ],
                        ],
                        HTTPResponse.Status.unprocessableContent, "recovered"
                    ),
                    (["recovered": -1], .unprocessableContent, "recovered"),
                    (["recovered": 5, "degenerate": -2], .unprocessableContent, "degenerate"),
                    (["recovered": 5, "embryos": [["stage": 10, "grade": 1]]], .unprocessableContent, "stage"),
                    (["recovered": 5, "sire_id": donor], .unprocessableContent, "sire_id"),
                    (["recovered": 5, "donor_id": other], .unprocessableContent, "superovulation_id"),
                    (["recovered": 5, "flushed_on": "2999-01-01"], .unprocessableContent, "flushed_on"),
                    (["recovered": 5, "notes": String(repeating: "n", count: 2001)], .unprocessableContent, "notes"),
                ] as [([String: Any], HTTPResponse.Status, String)] {
                    let refused = try await client.postJSON(
                        "/api/v1/flushes", auth: key, base.merging(extra) { $1 }, expect: status)
                    #expect(field(refused) == expected, "\(extra)")
                }
                #expect(try await counts(server) == before)
                let created = try await client.postJSON(
                    "/api/v1/flushes", auth: key,
                    base.merging([
                        "recovered": 9, "unfertilised": 2, "degenerate": 1, "operator": "Dr. Moreau",
                        "embryos": [
                            ["stage": 7, "grade": 1], ["stage": 6, "grade": 1], ["stage": 5, "grade": 2],
                            ["stage": 4, "grade": 4],
                        ],
                    ]) { $1 })
                #expect(created["code"] as? String == "FL-0001")
                #expect(created["transferable"] as? Int == 3)
                let embryos = try #require(created["embryos"] as? [[String: Any]])
                #expect(embryos.count == 4)
                #expect(embryos.allSatisfy { $0["origin"] as? String == "in_vivo" && $0["flush_id"] as? Int != nil })
                #expect(embryos.first?["code"] as? String == "FL-0001-E01")
                let id = try #require(created["id"] as? Int)
                let ended = try await client.send(.get, "/api/v1/superovulations/\(run.id)", auth: key).json()
                #expect(ended["status"] as? String == "flushed")
                #expect(ended["flush_id"] as? Int == id)
                // Its steps leave the worklist; a flushed superovulation cannot end another flush.
                let reused = try await client.postJSON(
                    "/api/v1/flushes", auth: key, base.merging(["recovered": 1]) { $1 }, expect: .conflict)
                #expect(field(reused) == "superovulation_id")
                let events = try await server.auditEvents()
                #expect(events.contains { $0.action == "superovulation.flush" && $0.entityId == String(run.id) })
                #expect(events.filter { $0.action == "embryo.grade" }.count == 4)
                return id
            }

            try await step("listed by donor and day, paged on the server") {
                _ = try await client.postJSON(
                    "/api/v1/flushes", auth: key,
                    ["donor_id": other, "sire_id": sire, "flushed_on": "2026-03-20", "recovered": 0])
                let first = try await client.send(.get, "/api/v1/flushes?limit=1", auth: key).json()
                #expect((first["items"] as? [[String: Any]])?.first?["donor"] as? String == "Clara")
                let cursor = try #require(first["next_cursor"] as? String)
                let second = try await client.send(.get, "/api/v1/flushes?limit=1&cursor=\(cursor)", auth: key).json()
                #expect((second["items"] as? [[String: Any]])?.first?["id"] as? Int == flush)
                #expect(second["next_cursor"] is NSNull)
                let byDonor = try await client.send(.get, "/api/v1/flushes?donor_id=\(donor)", auth: key).json()
                #expect((byDonor["items"] as? [[String: Any]])?.count == 1)
                let byDay = try await client.send(.get, "/api/v1/flushes?from=2026-03-01&to=2026-03-31", auth: key)
                    .json()
                #expect((byDay["items"] as? [[String: Any]])?.first?["donor"] as? String == "Clara")
                let reversed = try await client.send(.get, "/api/v1/flushes?from=2026-03-31&to=2026-03-01", auth: key)
                #expect(reversed.status == .unprocessableContent)
                let malformed = try await client.send(.get, "/api/v1/flushes?from=March", auth: key)
                #expect(try malformed.apiError()["field"] as? String == "from")
                let empty = try await client.send(.get, "/api/v1/flushes?to=", auth: key)
                #expect(try empty.apiError()["field"] as? String == "to")
            }

            try await step("statistics per donor, protocol and month") {
                let range = "from=2026-01-01&to=2026-06-30"
                let byDonor = try await client.send(
                    .get, "/api/v1/reproduction/flush-stats?by=donor&\(range)", auth: key
                )
                .json()
                let rows = try #require(byDonor["items"] as? [[String: Any]])
                let bella = try #require(rows.first { ($0["key"] as? String)?.hasPrefix("Bella") == true })
                #expect(bella["recovered"] as? Int == 9)
                #expect(bella["transferable"] as? Int == 3)
                #expect(bella["transferable_per_flush"] as? Double == 3)
                let byProtocol = try await client.send(
                    .get, "/api/v1/reproduction/flush-stats?by=protocol&\(range)", auth: key
                ).json()
                let keys = (byProtocol["items"] as? [[String: Any]])?.compactMap { $0["key"] as? String } ?? []
                #expect(Set(keys) == ["FSH 4-day", "(none recorded)"])
                let byMonth = try await client.send(
                    .get, "/api/v1/reproduction/flush-stats?by=month&\(range)", auth: key
                )
                .json()
                #expect((byMonth["items"] as? [[String: Any]])?.count == 6)
                #expect((byMonth["total"] as? [String: Any])?["flushes"] as? Int == 2)
                #expect((byMonth["previous_total"] as? [String: Any])?["flushes"] as? Int == 0)
                #expect((byMonth["previous"] as? [String: Any])?["to"] as? String == "2025-12-31")
                let bad = try await client.send(.get, "/api/v1/reproduction/flush-stats?by=colour", auth: key)
                #expect(try bad.apiError()["field"] as? String == "by")
            }

            try await step("a read-only key sees, but cannot write") {
                let reader = try await server.apiKey(["reproduction:read"])
                let denied = try await client.send(
                    .post, "/api/v1/flushes", auth: reader, json: ["donor_id": donor, "sire_id": sire, "recovered": 1])
                #expect(denied.status == .forbidden)
                let seen = try await client.send(.get, "/api/v1/flushes/\(flush)", auth: reader)
                #expect(seen.status == .ok)
            }
            #expect(try await server.verifyAudit().isIntact)
        }
    }

    @Test func pagesWriteProtocolsStartDonorsTickTheWorklistAndRecordFlushes() async throws {
        let server = try TestServer()
        let admin = try await server.apiKey(["admin"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            let donor = try await client.newAnimal(auth: admin, name: "Daisy <1>")
            let sire = try await client.newAnimal(auth: admin, name: "Bruno", sex: "male")
            let today = Day.today

            let saved = try await client.sendForm(
                "/superovulation/protocols", session: session,
                [
                    "name": "Clinic FSH", "species": "bovine", "step_day_1": "0", "step_time_1": "07:00",
                    "step_kind_1": "fsh", "step_amount_1": "4", "step_unit_1": "ml", "step_day_2": "7",
                    "step_time_2": "09:00", "step_kind_2": "flush", "step_kind_3": "fsh",
                ])
            #expect(saved.status == .seeOther)
            let protocolPage = try #require(saved.headers[.location])
            let template = try #require(Int(protocolPage.split(separator: "/").last ?? ""))
            let refused = try await client.sendForm(
                "/superovulation/protocols", session: session,
                [
                    "name": "Broken", "species": "bovine", "step_day_1": "x", "step_time_1": "07:00",
                    "step_kind_1": "fsh",
                ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Step 1"))
            let edit = try await client.send(.get, protocolPage, session: session)
            #expect(edit.text.contains("value=\"Clinic FSH\""))
            #expect(edit.text.contains("step_day_6"))
            #expect(edit.text.contains("<option value=\"bovine\" selected>bovine</option>"))

            let started = try await client.sendForm(
                "/superovulations", session: session,
                ["donor_id": String(donor), "protocol_id": String(template), "started_on": today])
            #expect(started.status == .seeOther)
            let runPage = try #require(started.headers[.location])
            let schedule = try await client.send(.get, runPage, session: session)
            #expect(schedule.text.contains("Daisy &lt;1&gt;"))
            #expect(schedule.text.contains("Record the flush"))

            let worklist = try await client.send(.get, "/superovulation", session: session)
            #expect(worklist.status == .ok)
            #expect(worklist.text.contains("FSH 4 ml"))
            let stepID = try await server.services.database.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM superovulation_steps WHERE kind = 'fsh'")
            }
            let done = try await client.sendForm(
                "/superovulation/steps/\(try #require(stepID))/done", session: session, ["day": today])
            #expect(done.status == .seeOther)
            let ticked = try await client.send(.get, "/superovulation", session: session)
            #expect(ticked.text.contains("badge-ok"))
            let home = try await client.send(.get, "/", session: session)
            #expect(home.text.contains("Superovulation steps due"))

            let run = try #require(Int(runPage.split(separator: "/").last ?? ""))
            let bad = try await client.sendForm(
                "/flushes", session: session,
                [
                    "donor_id": String(donor), "sire_id": String(sire), "superovulation_id": String(run),
                    "flushed_on": today, "day": "7", "recovered": "1", "codes": "7-1 7-1",
                ])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("more than the 1 recovered"))
            let recorded = try await client.sendForm(
                "/flushes", session: session,
                [
                    "donor_id": String(donor), "sire_id": String(sire), "superovulation_id": String(run),
                    "flushed_on": today, "day": "7", "recovered": "6", "unfertilised": "1", "codes": "7-1 6-2 5-3",
                ])
            #expect(recorded.status == .seeOther)
            let flushPage = try await client.send(.get, try #require(recorded.headers[.location]), session: session)
            #expect(flushPage.text.contains("FL-0001-E03"))
            #expect(flushPage.text.contains("Transferable (quality 1–3)"))
            let list = try await client.send(.get, "/flushes?donor_id=\(donor)", session: session)
            #expect(list.text.contains("FL-0001"))

            // The donor's page links her flushes and OPU sessions; her reproduction page charts them.
            let animal = try await client.send(.get, "/animals/\(donor)", session: session)
            #expect(animal.text.contains("linked-donor-sessions"))
            #expect(animal.text.contains("6 recovered, 3 transferable"))
            let history = try await client.send(.get, "/reproduction/animals/\(donor)", session: session)
            #expect(history.text.contains("chart-donor-yield"))
            let stats = try await client.send(.get, "/reproduction/stats/flushes?by=protocol", session: session)
            #expect(stats.text.contains("Clinic FSH"))

            // Archived, the protocol offers its restoration and no longer the start of a superovulation.
            _ = try await client.sendForm("\(protocolPage)/archive", session: session, [:])
            let archived = try await client.send(.get, protocolPage, session: session)
            #expect(archived.text.contains("\(protocolPage)/restore"))
            let startPage = try await client.send(.get, "/superovulations/new", session: session)
            #expect(!startPage.text.contains("Clinic FSH"))

            let auditor = try await server.signIn(.auditor)
            let readOnly = try await client.send(.get, "/superovulation", session: auditor)
            #expect(readOnly.status == .ok)
            #expect(!readOnly.text.contains("/done\""))
            let forbidden = try await client.send(.get, "/flushes/new", session: auditor)
            #expect(forbidden.status == .forbidden)
        }
    }
}
