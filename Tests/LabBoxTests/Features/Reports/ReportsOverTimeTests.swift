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

/// Reports over time (issue 25, item 6): a range of the lab's days, each figure beside the previous
/// period of the same length, monthly charts, pregnancy by embryo grade and by fresh or frozen,
/// donor and sire leagues, tests per month and turnaround.
@Suite struct ReportsOverTimeTests {
    @Test func presetsCoverWholeMonthsAndThePreviousPeriodIsAsLong() throws {
        let today = "2026-12-06"
        let expected: [(ReportRange.Preset, String)] = [
            (.thisMonth, "2026-12-01"), (.last3Months, "2026-10-01"), (.last12Months, "2026-01-01"),
            (.thisYear, "2026-01-01"),
        ]
        for (preset, from) in expected {
            let range = preset.range(today: today)
            #expect(range.from == from && range.to == today, "\(preset)")
            #expect(range.previous.days == range.days, "\(preset)")
            #expect(Day.adding(1, to: range.previous.to) == range.from, "\(preset)")
        }
        #expect(ReportRange.Preset.last3Months.range(today: "2026-02-14").from == "2025-12-01")
        #expect(ReportRange.Preset.last12Months.range(today: "2026-12-06").months.count == 12)
    }

    @Test func reproductionFiguresFollowTheRangeAndCompareWithThePreviousPeriod() async throws {
        let server = try TestServer()
        try await Self.reproductionRecords(server)
        let key = try await server.apiKey(["admin"])
        let range = "from=2026-04-01&to=2026-06-30"
        try await server.test { client in
            let donors = try await client.send(.get, "/api/v1/reproduction/stats?\(range)", auth: key).json()
            #expect(donors["from"] as? String == "2026-04-01")
            let previous = donors["previous"] as? [String: Any]
            #expect(previous?["from"] as? String == "2025-12-31" && previous?["to"] as? String == "2026-03-31")
            let summary = try #require(donors["summary"] as? [String: [String: Any]])
            #expect(summary["opu_sessions"]?["value"] as? Double == 3)
            #expect(summary["opu_sessions"]?["previous"] as? Double == 1)
            #expect(summary["opu_sessions"]?["change"] as? Double == 2)
            #expect(summary["inseminated"]?["value"] as? Double == 35)
            #expect(summary["cleavage"]?["value"] as? Double == 80)
            #expect(summary["cleavage"]?["previous"] as? Double == 50)
            #expect(summary["cleavage"]?["change"] as? Double == 30)
            #expect(summary["pregnancy"]?["value"] as? Double == 66.7)
            #expect(summary["pregnancy"]?["previous"] is NSNull)
            #expect(summary["pregnancy"]?["change"] is NSNull)
            // The league: Daisy (25 oocytes) is ranked; Erna (10) follows unranked with her counts.
            let league = try #require(donors["items"] as? [[String: Any]])
            #expect(league.map { $0["key"] as? String } == ["Daisy #1", "Erna #2"])
            #expect(league.first?["rank"] as? Int == 1)
            #expect(league.last?["rank"] is NSNull)
            #expect(league.last?["inseminated"] as? Int == 10)

            let months = try await client.send(.get, "/api/v1/reproduction/stats?by=month&\(range)", auth: key).json()
            let series = try #require(months["items"] as? [[String: Any]])
            #expect(series.map { $0["key"] as? String } == ["2026-04", "2026-05", "2026-06"])
            #expect(series.map { $0["opu_sessions"] as? Int } == [2, 1, 0])
            #expect(series.map { $0["transfers"] as? Int } == [0, 0, 3])

            let grades = try await client.send(.get, "/api/v1/reproduction/stats?by=grade&\(range)", auth: key).json()
            let byGrade = Dictionary(
                uniqueKeysWithValues: (grades["items"] as? [[String: Any]] ?? []).map {
                    ($0["key"] as? String ?? "", $0["pregnancy"] as? [String: Any] ?? [:])
                })
            #expect(byGrade["Grade 1"]?["count"] as? Int == 2 && byGrade["Grade 1"]?["of"] as? Int == 2)
            #expect(byGrade["Grade 2"]?["count"] as? Int == 0 && byGrade["Grade 2"]?["of"] as? Int == 1)
            let kept = try await client.send(.get, "/api/v1/reproduction/stats?by=preservation&\(range)", auth: key)
                .json()
            let byKind = Dictionary(
                uniqueKeysWithValues: (kept["items"] as? [[String: Any]] ?? []).map {
                    ($0["key"] as? String ?? "", $0["pregnancy"] as? [String: Any] ?? [:])
                })
            #expect(byKind["fresh"]?["count"] as? Int == 1 && byKind["fresh"]?["of"] as? Int == 1)
            #expect(byKind["frozen"]?["count"] as? Int == 1 && byKind["frozen"]?["of"] as? Int == 2)

            // The frozen embryos' straws were received in June; the previous period had none.
            let inventory = try await client.send(.get, "/api/v1/storage/inventory?\(range)", auth: key).json()
            let received = (inventory["summary"] as? [String: [String: Any]])?["received"]
            #expect(received?["value"] as? Double == 2 && received?["previous"] as? Double == 0)
            #expect((inventory["months"] as? [[String: Any]])?.map { $0["received"] as? Int } == [0, 0, 2])
        }
    }

    @Test func badRangesAreRefusedNamingTheField() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            for path in ["/api/v1/reproduction/stats", "/api/v1/results/stats", "/api/v1/storage/inventory"] {
                for (query, status, field) in [
                    ("from=2026-13-01", HTTPResponse.Status.badRequest, "from"),
                    ("to=yesterday", .badRequest, "to"),
                    ("range=decade", .badRequest, "range"),
                    ("from=2026-05-01&to=2026-04-01", .unprocessableContent, "to"),
                    ("from=2000-01-01&to=2026-01-01", .unprocessableContent, "to"),
                ] {
                    let response = try await client.send(.get, "\(path)?\(query)", auth: key)
                    #expect(response.status == status, "\(path)?\(query)")
                    #expect(try response.apiError()["field"] as? String == field, "\(path)?\(query)")
                }
            }
        }
    }

    @Test func theStatisticsPagesShowTheRangeTheComparisonAndAccessibleCharts() async throws {
        let server = try TestServer()
        try await Self.reproductionRecords(server)
        let session = try await server.signIn(.director)
        try await server.test { client in
            let page = try await client.send(
                .get, "/reproduction/stats?by=sire&from=2026-04-01&to=2026-06-30", session: session)
            #expect(page.status == .ok)
            for text in [
                "name=\"from\" type=\"date\" value=\"2026-04-01\"", "2025-12-31 to 2026-03-31", "range=last-3-months",
                "<title id=\"chart-opu-title\">OPU sessions by month</title>", "<desc id=\"chart-embryo-desc\">",
                "<th scope=\"row\">2026-04</th>", "Grade 1", "Frozen", "+30 points", "Rank", "Bruno #3",
            ] {
                #expect(page.text.contains(text), "\(text)")
            }
            #expect(page.text.contains("<input type=\"hidden\" name=\"by\" value=\"sire\">"))
            for path in ["/results/stats", "/storage/inventory", "/results/stats?range=this-year"] {
                let other = try await client.send(.get, path, session: session)
                #expect(other.status == .ok, "\(path)")
                #expect(other.text.contains("class=\"chart\" role=\"img\""), "\(path)")
            }
            let bad = try await client.send(.get, "/reproduction/stats?from=2026-02-30", session: session)
            #expect(bad.status == .badRequest)
        }
    }

    /// Turnaround counts from receipt to verification, by the month of the lab's calendar: in
    /// Berlin, 23:30 UTC on 28 February is already March.
    @Test func testsPerMonthAndTurnaroundFollowTheLabsCalendar() async throws {
        let berlin = try #require(LabTime.zone(named: "Europe/Berlin"))
        let server = try TestServer { $0.labTime = LabTime(zone: berlin) }
        try await server.services.database.write { db in
            let at = "2026-01-01 00:00:00.000"
            try db.execute(
                sql:
                    "INSERT INTO customers (id, kind, name, created_at, updated_at) VALUES (1, 'organisation', 'Farm', ?, ?)",
                arguments: [at, at])
            try db.execute(
                sql:
                    "INSERT INTO animals (id, species, name, created_at, updated_at) VALUES (1, 'bovine', 'Cow', ?, ?)",
                arguments: [at, at])
            try db.execute(
                sql: """
                    INSERT INTO samples (id, external_id, species, kind, status, animal_id, collected_at, created_at, updated_at)
                    VALUES (1, 'S-1', 'bovine', 'blood', 'received', 1, ?, ?, ?)
                    """, arguments: [at, at, at])
            try db.execute(
                sql: """
                    INSERT INTO lab_tests (id, code, name, sample_kinds, created_at, updated_at)
                    VALUES (1, 'BVD', 'BVD antigen', 'blood', ?, ?), (2, 'IBR', 'IBR antibodies', 'blood', ?, ?)
                    """, arguments: [at, at, at, at])
            try db.execute(
                sql: """
                    INSERT INTO lab_orders (id, customer_id, ordered_on, created_at, updated_at)
                    VALUES (1, 1, '2026-02-10', ?, ?), (2, 1, '2026-01-15', ?, ?)
                    """, arguments: [at, at, at, at])
            for (id, order, test, state, received, verified) in [
                (1, 1, 1, "verified", "2026-02-10 08:00:00.000", "2026-02-11 08:00:00.000"),
                (2, 1, 2, "verified", "2026-02-28 23:30:00.000", "2026-03-01 11:30:00.000"),
                (3, 2, 2, "to_verify", "2026-03-05 10:00:00.000", "2026-03-05 12:00:00.000"),
                (4, 2, 1, "verified", "2026-01-15 10:00:00.000", "2026-01-15 16:00:00.000"),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO analyses (id, order_id, sample_id, test_id, state, created_at, updated_at)
                        VALUES (?, ?, 1, ?, ?, ?, ?)
                        """, arguments: [id, order, test, state, received, verified])
            }
        }
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            let report = try await client.send(.get, "/api/v1/results/stats?from=2026-02-01&to=2026-03-31", auth: key)
                .json()
            let months = try #require(report["months"] as? [[String: Any]])
            #expect(months.map { $0["month"] as? String } == ["2026-02", "2026-03"])
            #expect(months.map { $0["received"] as? Int } == [1, 2])
            #expect(months.map { $0["verified"] as? Int } == [1, 1])
            #expect(months.map { $0["median_turnaround_hours"] as? Double } == [24, 12])
            let summary = try #require(report["summary"] as? [String: [String: Any]])
            #expect(summary["received"]?["value"] as? Double == 3 && summary["received"]?["previous"] as? Double == 1)
            #expect(summary["median_turnaround_hours"]?["value"] as? Double == 18)
            #expect(summary["median_turnaround_hours"]?["change"] as? Double == 12)
            #expect(summary["orders"]?["value"] as? Double == 1 && summary["orders"]?["previous"] as? Double == 1)
            #expect((report["tests"] as? [[String: Any]])?.first?["code"] as? String == "IBR")
        }
    }

    /// Two donors, a sire and three recipients; OPU, batches and transfers in April to June 2026,
    /// and one session and batch in March (the previous period).
    static func reproductionRecords(_ server: TestServer) async throws {
        try await server.services.database.write { db in
            let at = "2026-01-01 00:00:00.000"
            for (id, name, sex) in [
                (1, "Daisy", "female"), (2, "Erna", "female"), (3, "Bruno", "male"), (4, "R1", "female"),
                (5, "R2", "female"), (6, "R3", "female"),
            ] {
                try db.execute(
                    sql:
                        "INSERT INTO animals (id, species, name, sex, created_at, updated_at) VALUES (?, 'bovine', ?, ?, ?, ?)",
                    arguments: [id, name, sex, at, at])
            }
            for (id, donor, day, oocytes) in [
                (1, 1, "2026-04-08", 8), (2, 1, "2026-04-20", 8), (3, 2, "2026-05-04", 6), (4, 1, "2026-03-03", 5),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO opu_sessions (id, donor_id, performed_on, operator, follicles, oocytes, created_at, updated_at)
                        VALUES (?, ?, ?, 'Ann', 10, ?, ?, ?)
                        """, arguments: [id, donor, day, oocytes, at, at])
            }
            for (id, donor, opu, day, oocytes, cleaved, blastocysts) in [
                (1, 1, 1, "2026-04-10", 25, 20, 10), (2, 2, 3, "2026-05-05", 10, 8, 5),
                (3, 1, 4, "2026-03-05", 10, 5, 2),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO ivf_batches (id, code, donor_id, sire_id, fertilised_on, technician, created_at, updated_at)
                        VALUES (?, ?, ?, 3, ?, 'Ann', ?, ?)
                        """, arguments: [id, "B\(id)", donor, day, at, at])
                try db.execute(
                    sql: "INSERT INTO ivf_batch_oocytes (batch_id, opu_id, oocytes) VALUES (?, ?, ?)",
                    arguments: [id, opu, oocytes])
                try db.execute(
                    sql: """
                        INSERT INTO ivf_checks (batch_id, day, checked_on, cleaved, blastocysts, checked_by, created_at)
                        VALUES (?, 2, ?, ?, NULL, 'Ann', ?), (?, 7, ?, NULL, ?, 'Ann', ?)
                        """, arguments: [id, day, cleaved, at, id, day, blastocysts, at])
            }
            // Fresh grade 1 pregnant; frozen grade 2 open; frozen grade 1 pregnant.
            for (id, grade, straw, result) in [
                (1, 1, false, "pregnant"), (2, 2, true, "open"), (3, 1, true, "pregnant"),
            ] {
                let received = "2026-06-0\(id) 09:00:00.000"
                if straw {
                    try db.execute(
                        sql: """
                            INSERT INTO samples (id, external_id, species, kind, status, animal_id, collected_at, created_at, updated_at)
                            VALUES (?, ?, 'bovine', 'embryo', 'used', 1, ?, ?, ?)
                            """, arguments: [id, "E-\(id)", received, received, received])
                }
                try db.execute(
                    sql: """
                        INSERT INTO transfers (id, recipient_id, transferred_on, technician, created_at, updated_at)
                        VALUES (?, ?, ?, 'Ann', ?, ?)
                        """, arguments: [id, id + 3, "2026-06-0\(id)", at, at])
                try db.execute(
                    sql: """
                        INSERT INTO embryos (id, code, origin, batch_id, donor_id, sire_id, species, day, stage, grade, fate,
                            sample_id, transfer_id, graded_by, created_at, updated_at)
                        VALUES (?, ?, 'ivp', 1, 1, 3, 'bovine', 7, 7, ?, 'transferred', ?, ?, 'Ann', ?, ?)
                        """, arguments: [id, "B1-E\(id)", grade, straw ? id : nil, id, at, at])
                try db.execute(
                    sql: """
                        INSERT INTO pregnancy_checks (transfer_id, checked_on, method, result, checked_by, created_at)
                        VALUES (?, '2026-06-30', 'ultrasound', ?, 'Ann', ?)
                        """, arguments: [id, result, at])
            }
        }
    }
}
