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

@Suite struct GenomicsTests {
    /// A hand-made trio on an 11-marker panel. The sire shares an allele with the offspring
    /// everywhere; the dam is the opposite homozygote at M1 and M3; at M11 each parent alone fits
    /// but the pair cannot give A/B. Offspring misses M10, the dam M10: 10 of 11 called (90.9 %).
    static let offspring = csv(["A/A", "A/B", "B/B", "A/B", "A/A", "B/B", "A/B", "A/A", "A/B", "0/0", "A/B"])
    static let sire = csv(["A/B", "A/A", "B/B", "B/B", "A/A", "A/B", "A/A", "A/B", "B/B", "A/A", "A/A"])
    static let dam = csv(["B/B", "B/B", "A/A", "A/A", "A/B", "B/B", "B/B", "A/A", "A/A", "0/0", "A/A"])

    static func csv(_ calls: [String]) -> String {
        "marker_id,allele_1,allele_2\n"
            + calls.enumerated().map { "M\($0.offset + 1),\($0.element.replacingOccurrences(of: "/", with: ","))" }
            .joined(separator: "\n")
    }

    @Test func exclusionMatchesTheHandMadeTrio() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:write", "genomics:read", "genomics:write"])
        try await server.test { client in
            var ids: [Int64] = []
            for (name, sex, genotype) in [
                ("Calf", "female", Self.offspring), ("Bull", "male", Self.sire), ("Cow", "female", Self.dam),
            ] {
                let id = try await client.newAnimal(auth: key, name: name, sex: sex)
                let imported = try await client.sendCSV(
                    "/api/v1/animals/\(id)/genotypes?panel=Test%2011&source=hand-made", auth: key, genotype)
                #expect(imported.status == .created, "\(imported.text)")
                ids.append(id)
            }
            let calf = try await client.send(.get, "/api/v1/animals/\(ids[0])/genotypes", auth: key)
            let summary = try #require(try calf.json()["items"] as? [[String: Any]]).first
            #expect(summary?["markers_called"] as? Int == 10)
            #expect(summary?["panel_markers"] as? Int == 11)

            let response = try await client.send(
                .get, "/api/v1/parentage?offspring=\(ids[0])&sire=\(ids[1])&dam=\(ids[2])", auth: key)
            #expect(response.status == .ok, "\(response.text)")
            let report = try response.json()
            #expect(report["verdict"] as? String == "excluded")
            #expect(report["panel_markers"] as? Int == 11)
            let sire = try #require(report["sire_check"] as? [String: Any])
            #expect(sire["compared"] as? Int == 10)
            #expect((sire["conflicts"] as? [Any])?.isEmpty == true)
            #expect(sire["verdict"] as? String == "qualifies")
            let dam = try #require(report["dam_check"] as? [String: Any])
            #expect(dam["compared"] as? Int == 10)
            #expect((dam["conflicts"] as? [[String: Any]])?.map { $0["marker"] as? String } == ["M1", "M3"])
            #expect(dam["conflict_percent"] as? Double == 20)
            #expect(dam["verdict"] as? String == "excluded")
            let trio = try #require(report["trio_check"] as? [String: Any])
            #expect((trio["conflicts"] as? [[String: Any]])?.map { $0["marker"] as? String } == ["M1", "M3", "M11"])
            #expect((report["offspring"] as? [String: Any])?["call_rate_percent"] as? Double == 90.9)

            // The sire alone qualifies; demanding a 95 % call rate makes the same check undetermined.
            let sireOnly = try await client.send(
                .get, "/api/v1/parentage?offspring=\(ids[0])&sire=\(ids[1])", auth: key)
            #expect(try sireOnly.json()["verdict"] as? String == "qualifies")
        }
        let strict = try TestServer(directory: server.directory) { $0.parentage.minCallRatePercent = 95 }
        try await strict.test { client in
            let sireOnly = try await client.send(.get, "/api/v1/parentage?offspring=1&sire=2", auth: key)
            #expect(try sireOnly.json()["verdict"] as? String == "undetermined")
        }
    }

    @Test func importsAreValidatedAndReplacingNeedsAReason() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:write", "genomics:read", "genomics:write"])
        try await server.test { client in
            let id = try await client.newAnimal(auth: key, name: "Bull", sex: "male")
            let path = "/api/v1/animals/\(id)/genotypes?panel=P1"
            let cases: [(String, String)] = [
                ("marker_id,allele_1,allele_2\nM1,A,X\n", "Row 2 (M1): allele_2"),
                ("marker_id,allele_1,allele_2\nM1,A,B\nM1,A,A\n", "Row 3: M1 is also on row 2"),
                ("marker_id,allele_1,allele_2\nM1,A,0\n", "call both alleles or neither"),
                ("marker,allele_1,allele_2\nM1,A,B\n", "Unknown column"),
                ("marker_id,allele_1,allele_2\n", "no markers"),
            ]
            for (csv, message) in cases {
                let response = try await client.sendCSV(path, auth: key, csv)
                #expect(response.status == .unprocessableContent)
                #expect((try response.apiError()["message"] as? String)?.contains(message) == true, "\(response.text)")
            }
            let noPanel = try await client.sendCSV("/api/v1/animals/\(id)/genotypes", auth: key, Self.sire)
            #expect(try noPanel.apiError()["field"] as? String == "panel")
            let missing = try await client.sendCSV("/api/v1/animals/9999/genotypes?panel=P1", auth: key, Self.sire)
            #expect(missing.status == .notFound)

            #expect(try await client.sendCSV(path, auth: key, Self.sire).status == .created)
            let again = try await client.sendCSV(path, auth: key, Self.dam)
            #expect(try again.apiError()["field"] as? String == "reason")
            let replaced = try await client.sendCSV(path + "&reason=re-run%20on%20new%20chip", auth: key, Self.dam)
            #expect(replaced.status == .created)
        }
        let events = try await server.auditEvents().filter { $0.entityType == "genotype" }
        #expect(events.map(\.action) == ["genotype.import", "genotype.replace"])
        let after = AuditValue.decode(events.last?.after)
        #expect(after["calls"] == nil)
        #expect(after["calls_sha256"] != AuditValue.decode(events.last?.before)["calls_sha256"])
        #expect(events.last?.reason == "re-run on new chip")
        #expect(try await server.verifyAudit().isIntact)
    }

    @Test func theReportPageShowsTheVerdictAndTheConflicts() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["animals:write", "genomics:write"])
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            var ids: [Int64] = []
            for (name, genotype) in [("Calf", Self.offspring), ("Cow", Self.dam)] {
                let id = try await client.newAnimal(auth: key, name: name)
                _ = try await client.sendCSV("/api/v1/animals/\(id)/genotypes?panel=P", auth: key, genotype)
                ids.append(id)
            }
            let page = try await client.send(
                .get, "/genomics/parentage?offspring=\(ids[0])&dam=\(ids[1])", session: technician)
            #expect(page.status == .ok)
            #expect(page.text.contains("verdict-excluded"))
            #expect(page.text.contains("<td>M3</td><td>B/B</td><td>—</td><td>A/A</td>"))
            let overview = try await client.send(.get, "/genomics", session: technician)
            #expect(overview.text.contains("Calf"))
        }
    }
}
