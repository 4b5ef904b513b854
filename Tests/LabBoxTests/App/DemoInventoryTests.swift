import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reproduction
import Results
import Testing

@Suite struct DemoInventoryTests {
    @Test func demoDataIsDeterministicConsistentAndAudited() async throws {
        let sizes = DemoData.Sizes(customers: 12, animals: 300, samples: 2_000, tanks: 2)
        let server = try TestServer()
        let database = server.services.database
        let indexes = { @Sendable in
            try await database.read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'samples' ORDER BY name"
                )
            }
        }
        let migrated = try await indexes()
        let stored = try await step("generate consistent, audited demo data") {
            var first = DemoData(sizes: sizes, seed: 7)
            let counts = try await first.generate(into: server.services.database, context: .commandLine)
            #expect(counts.samples == 2_000 && counts.animals == 300 && counts.customers == 12)
            #expect(counts.containers == 2 * (1 + 6 + 60))
            let (withParents, badParents, stored, events) = try await database.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM animals WHERE sire_id IS NOT NULL") ?? 0,
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM animals a JOIN animals s ON s.id = a.sire_id
                            WHERE s.sex <> 'male' OR s.species <> a.species
                            """) ?? -1,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM samples WHERE container_id IS NOT NULL") ?? 0,
                    try AuditEvent.filter(Column("entity_type") == "sample").fetchCount(db)
                )
            }
            #expect(withParents > 100)
            #expect(badParents == 0)
            #expect(stored == counts.storedInTanks && stored > 0)
            #expect(events == 2_000)
            #expect(try await server.verifyAudit().isIntact)
            // The lookup indexes set aside for the load are back, as the migrations wrote them.
            #expect(migrated.count >= 6)
            #expect(try await indexes() == migrated)
            return stored
        }

        try await step("give the same data for the same seed, and refuse a second generation") {
            var second = DemoData(sizes: sizes, seed: 7)
            let again = try TestServer()
            _ = try await second.generate(into: again.services.database, context: .commandLine)
            let ids = { (server: TestServer) in
                try await server.services.database.read {
                    try String.fetchAll(
                        $0, sql: "SELECT external_id || species || kind || status FROM samples ORDER BY id")
                }
            }
            #expect(try await ids(server) == ids(again))
            await #expect(throws: DemoDataError.self) {
                var third = DemoData(sizes: sizes, seed: 1)
                _ = try await third.generate(into: database, context: .commandLine)
            }
        }

        let key = try await server.apiKey(["storage:read"])
        let session = try await server.signIn(.auditor)
        try await step("add the inventory up to what is stored") {
            try await server.test { client in
                let byTank = try await client.send(.get, "/api/v1/storage/inventory?by=tank", auth: key)
                let tanks = try #require(try byTank.json()["items"] as? [[String: Any]])
                #expect(tanks.count == 2)
                #expect(tanks.compactMap { $0["items"] as? Int }.reduce(0, +) == stored)
                let bySire = try await client.send(.get, "/api/v1/storage/inventory?by=sire", auth: key)
                #expect(!(try #require(try bySire.json()["items"] as? [Any])).isEmpty)
                let bad = try await client.send(.get, "/api/v1/storage/inventory?by=colour", auth: key)
                #expect(try bad.apiError()["field"] as? String == "by")
                let page = try await client.execute(
                    uri: "/storage/inventory?by=customer", method: .get, headers: session.headers)
                #expect(page.status == .ok)
                #expect(page.text.contains("<meter"))
            }
        }
    }

    /// The reproduction demo goes through the stores: every embryo, straw, transfer and verified
    /// result obeys the rules, and the statistics add up to the records.
    @Test func demoReproductionAndResultsFollowTheRules() async throws {
        let server = try TestServer()
        var herd = DemoData(sizes: .init(customers: 10, animals: 400, samples: 1_500, tanks: 1), seed: 3)
        _ = try await herd.generate(into: server.services.database, context: .commandLine)
        let staff = try await DemoReproduction.staff(identity: server.services.identity)
        var demo = DemoReproduction(
            database: server.services.database, config: server.services.config, staff: staff, seed: 3)
        let counts = try await demo.generate(opuSessions: 8, context: .commandLine)
        #expect(counts.opuSessions == 8)
        #expect(counts.embryos > 0 && counts.transfers > 0 && counts.results > 0)
        let (witnessed, frozenStored, verified) = try await server.services.database.read { db in
            (
                try Signature.filter(Column("entity_type") == "transfer" && Column("meaning") == "witnessed")
                    .fetchCount(db),
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM embryos e JOIN samples s ON s.id = e.sample_id
                        WHERE e.fate = 'frozen' AND s.container_id IS NOT NULL
                        """) ?? -1,
                try Analysis.filter(Column("state") == "verified").fetchCount(db)
            )
        }
        #expect(witnessed == counts.transfers)
        #expect(frozenStored == counts.frozen)
        #expect(verified > 0)
        // Shipments of its straws: every step of an outbound one, an inbound one checked in.
        let shipments = try await DemoShipments(
            store: ReproductionStores(database: server.services.database, config: server.services.config).shipments
        ).generate(context: .commandLine)
        #expect(shipments.hasPrefix("4 shipments"))
        let (statuses, shipped) = try await server.services.database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT status FROM shipments ORDER BY id"),
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM shipment_items i JOIN samples s ON s.id = i.sample_id
                        WHERE s.status = 'shipped' AND s.container_id IS NULL
                        """) ?? -1
            )
        }
        #expect(statuses == ["closed", "handed_over", "draft", "received"])
        #expect(shipped == 5)
        // Certificates of its frozen straws (the last revoked and issued again) and a sire's health
        // certificate resting on his verified BVD and IBR results.
        let certificates = try await DemoCertificates(
            database: server.services.database, config: server.services.config, staff: staff
        ).generate(context: .commandLine)
        let straws = min(counts.frozen, 3)
        #expect(
            certificates
                == (straws > 0
                    ? "\(straws + 1) embryo certificates, 2 destinations, 1 health certificate"
                    : "no embryo certificates (no frozen embryos), 2 destinations, 1 health certificate"))
        let (inForce, healthResults) = try await server.services.database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embryo_certificates WHERE revoked_at IS NULL"),
                try String.fetchOne(db, sql: "SELECT results FROM health_certificates")
            )
        }
        #expect(inForce == straws)
        #expect(healthResults?.contains("\"code\":\"IBR\"") == true)
        let key = try await server.apiKey(["reproduction:read"])
        try await server.test { client in
            // The demo's records reach 430 days back, beyond the default last 12 months.
            let from = Day.adding(-800, to: Day.today) ?? ""
            let stats = try await client.send(.get, "/api/v1/reproduction/stats?by=protocol&from=\(from)", auth: key)
                .json()
            let rows = try #require(stats["items"] as? [[String: Any]])
            #expect(rows.compactMap { $0["transfers"] as? Int }.reduce(0, +) == counts.transfers)
        }
        // A season of superovulations and flushes: the statistics add up to the flushed embryos,
        // and the two donors on protocol now have their steps on today's worklist.
        let stores = ReproductionStores(database: server.services.database, config: server.services.config)
        let season = try await DemoFlushes(flushes: stores.flushes, superovulations: stores.superovulations)
            .generate(context: .commandLine)
        #expect(season.hasPrefix("3 superovulation protocols"))
        let (inVivo, active) = try await server.services.database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM embryos WHERE flush_id IS NOT NULL") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM superovulations WHERE status = 'active'") ?? -1
            )
        }
        #expect(inVivo > 0)
        #expect(active == 2)
        try await server.test { client in
            let from = Day.adding(-200, to: Day.today) ?? ""
            let stats = try await client.send(.get, "/api/v1/reproduction/flush-stats?by=month&from=\(from)", auth: key)
                .json()
            let total = try #require(stats["total"] as? [String: Any])
            #expect(total["graded"] as? Int == inVivo)
            let worklist = try await client.send(.get, "/api/v1/superovulations/worklist", auth: key).json()
            #expect(!(try #require(worklist["items"] as? [Any])).isEmpty)
        }
        // Recipients: three past transfer days, every transfer in synchrony, and today's chute.
        let recipients = try await DemoRecipients(
            stores: ReproductionStores(database: server.services.database, config: server.services.config),
            staff: staff
        ).generate(context: .commandLine)
        #expect(recipients.hasPrefix("15 recipients"), "\(recipients)")
        try await server.test { client in
            let from = Day.adding(-90, to: Day.today) ?? ""
            let synchrony = try await client.send(
                .get, "/api/v1/reproduction/stats?by=synchrony&from=\(from)", auth: key
            ).json()
            let keys = try #require(synchrony["items"] as? [[String: Any]]).compactMap { $0["key"] as? String }
            #expect(Set(keys).isSubset(of: ["0", "+1", "(none)"]) && keys.contains("0"), "\(keys)")
            let day = try await client.send(.get, "/api/v1/transfer-day", auth: key).json()
            #expect((day["to_check"] as? [Any])?.count == 3)
            #expect((day["pairs"] as? [Any])?.count == 1)
            #expect((day["skipped"] as? [Any])?.count == 1)
        }
        // A year of billing: invoices issued on the first of each of the past twelve months (the
        // last this month), each series' numbers gap-free and in date order within a year.
        _ = try await DemoBilling(database: server.services.database, config: server.services.config)
            .generate(context: .commandLine)
        let issued = try await server.services.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT number, issue_date FROM invoices WHERE number IS NOT NULL ORDER BY issue_date, id"
            ).map { (number: $0["number"] as String, day: $0["issue_date"] as String) }
        }
        let series = Dictionary(grouping: issued) { $0.number.dropLast(6) }
        #expect(Set(issued.map { $0.day.prefix(7) }).count == 12)
        #expect(series.keys.contains { $0.hasPrefix("CN-") })
        for (prefix, numbers) in series {
            #expect(numbers.allSatisfy { $0.day.hasPrefix(prefix.suffix(5).dropLast()) })
            #expect(numbers.compactMap { Int($0.number.suffix(6)) } == Array(1...numbers.count))
        }
        // Paid in full, in part and not at all, one payment for several invoices, one credit note:
        // the aging report has amounts in every bucket.
        let (credits, partly, shared) = try await server.services.database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoices WHERE kind = 'credit_note'") ?? 0,
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM invoices i
                        WHERE (SELECT SUM(amount_minor) FROM payment_allocations WHERE invoice_id = i.id) < i.gross_minor
                        """) ?? 0,
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT COUNT(*) FROM (SELECT 1 FROM payment_allocations GROUP BY payment_id HAVING COUNT(*) > 1)"
                ) ?? 0
            )
        }
        #expect(credits == 1 && partly > 0 && shared > 0)
        let billing = try await server.apiKey(["billing:read"])
        try await server.test { client in
            let aging = try await client.send(.get, "/api/v1/receivables/aging", auth: billing).json()
            let totals = try #require(aging["totals"] as? [String: String])
            for bucket in ["current", "days_1_30", "days_31_60", "days_61_90", "over_90"] {
                #expect(totals[bucket].map { $0 != "0.00" } == true, "\(bucket)")
            }
        }
        // The office's work: reminders of the overdue ones, a bank statement partly reviewed.
        let (reminders, recorded, pending) = try await server.services.database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice_reminders") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bank_statement_lines WHERE state = 'recorded'") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bank_statement_lines WHERE state = 'pending'") ?? 0
            )
        }
        #expect(reminders > 0 && recorded == 1 && pending > 0)
        // Last month's storage is charged, and purchase orders reach the invoices.
        let (storage, ordered) = try await server.services.database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM charges WHERE source_key LIKE 'storage:%'") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoices WHERE purchase_order != ''") ?? 0
            )
        }
        #expect(storage > 0)
        #expect(ordered > 0)
        #expect(try await server.verifyAudit().isIntact)
    }
}
