import Foundation
import GRDB
import Hummingbird

/// Success rates grouped by donor, sire, technician or protocol, computed from the records.
package enum ReproductionStats {
    package enum Grouping: String, CaseIterable, Sendable {
        case donor, sire, technician, `protocol`
    }

    package struct Row: Codable, Sendable {
        package var key: String
        package var opuSessions = 0
        package var follicles = 0
        package var oocytes = 0
        package var inseminated = 0
        package var cleaved = 0
        package var blastocysts = 0
        package var transfers = 0
        package var diagnosed = 0
        package var pregnant = 0

        package var recovery: Rate { Rate(count: oocytes, of: follicles) }
        package var cleavage: Rate { Rate(count: cleaved, of: inseminated) }
        package var blastocyst: Rate { Rate(count: blastocysts, of: inseminated) }
        /// Pregnant ÷ embryo transfers with a diagnosis.
        package var pregnancy: Rate { Rate(count: pregnant, of: diagnosed) }

        package enum CodingKeys: String, CodingKey {
            case key, follicles, oocytes, inseminated, cleaved, blastocysts, transfers, diagnosed, pregnant
            case opuSessions = "opu_sessions"
            case recovery, cleavage, blastocyst, pregnancy
        }

        package init(key: String) { self.key = key }

        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decode(String.self, forKey: .key)
        }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            for (value, key) in [
                (opuSessions, CodingKeys.opuSessions), (follicles, .follicles), (oocytes, .oocytes),
                (inseminated, .inseminated), (cleaved, .cleaved), (blastocysts, .blastocysts),
                (transfers, .transfers), (diagnosed, .diagnosed), (pregnant, .pregnant),
            ] {
                try container.encode(value, forKey: key)
            }
            for (rate, key) in [
                (recovery, CodingKeys.recovery), (cleavage, .cleavage), (blastocyst, .blastocyst),
                (pregnancy, .pregnancy),
            ] {
                try container.encode(rate, forKey: key)
            }
        }
    }

    package struct Report: Encodable, Sendable, ResponseEncodable {
        package let by: String
        package let items: [Row]
    }

    /// Rows for `grouping`, the most active first. OPU figures count for donors and OPU operators;
    /// batch figures (cleavage, blastocysts) for donor, sire, batch technician and protocol; pregnancy
    /// figures per transferred embryo, for donor, sire, transfer technician and batch protocol.
    package static func report(_ db: Database, by grouping: Grouping) throws -> Report {
        var rows: [String: Row] = [:]
        func update(_ key: String?, _ change: (inout Row) -> Void) {
            let key = key.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)"
            change(&rows[key, default: Row(key: key)])
        }
        let opuKey: String? =
            switch grouping {
            case .donor: "a.name || ' #' || a.id"
            case .technician: "o.operator"
            case .sire, .protocol: nil
            }
        if let opuKey {
            for row in try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT \(opuKey) AS key, COUNT(*) AS sessions, SUM(o.follicles) AS follicles, SUM(o.oocytes) AS oocytes
                    FROM opu_sessions o JOIN animals a ON a.id = o.donor_id GROUP BY 1
                    """)
            {
                update(row["key"]) {
                    $0.opuSessions += row["sessions"]
                    $0.follicles += row["follicles"]
                    $0.oocytes += row["oocytes"]
                }
            }
        }
        let batchKey =
            switch grouping {
            case .donor: "d.name || ' #' || d.id"
            case .sire: "s.name || ' #' || s.id"
            case .technician: "b.technician"
            case .protocol: "b.protocol"
            }
        // Per batch: cleaved from the last D2–D3 check, blastocysts from the last D7–D8 check.
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT \(batchKey) AS key,
                       (SELECT COALESCE(SUM(oocytes), 0) FROM ivf_batch_oocytes WHERE batch_id = b.id) AS inseminated,
                       (SELECT cleaved FROM ivf_checks WHERE batch_id = b.id AND day BETWEEN 2 AND 3
                        AND cleaved IS NOT NULL ORDER BY day DESC LIMIT 1) AS cleaved,
                       (SELECT blastocysts FROM ivf_checks WHERE batch_id = b.id AND day BETWEEN 7 AND 8
                        AND blastocysts IS NOT NULL ORDER BY day DESC LIMIT 1) AS blastocysts
                FROM ivf_batches b JOIN animals d ON d.id = b.donor_id JOIN animals s ON s.id = b.sire_id
                """)
        {
            update(row["key"]) {
                $0.inseminated += row["inseminated"] ?? 0
                $0.cleaved += row["cleaved"] ?? 0
                $0.blastocysts += row["blastocysts"] ?? 0
            }
        }
        let transferKey =
            switch grouping {
            case .donor: "d.name || ' #' || d.id"
            case .sire: "s.name || ' #' || s.id"
            case .technician: "t.technician"
            case .protocol: "b.protocol"
            }
        for row in try SQLRow.fetchAll(
            db,
            sql: """
                SELECT \(transferKey) AS key,
                       (SELECT c.result FROM pregnancy_checks c WHERE c.transfer_id = t.id
                        ORDER BY c.checked_on DESC, c.id DESC LIMIT 1) AS result,
                       (SELECT c.result FROM pregnancy_checks c WHERE c.transfer_id = t.id
                        AND c.result = 'pregnant' LIMIT 1) AS ever_pregnant
                FROM embryos e JOIN transfers t ON t.id = e.transfer_id
                JOIN animals d ON d.id = e.donor_id JOIN animals s ON s.id = e.sire_id
                LEFT JOIN ivf_batches b ON b.id = e.batch_id
                """)
        {
            let result: String? = row["result"]
            let everPregnant: String? = row["ever_pregnant"]
            update(row["key"]) {
                $0.transfers += 1
                if result != nil { $0.diagnosed += 1 }
                // A later loss still counts as a pregnancy established by the transfer.
                if everPregnant != nil { $0.pregnant += 1 }
            }
        }
        let items = rows.values.sorted {
            ($0.inseminated + $0.transfers + $0.oocytes, $1.key) > ($1.inseminated + $1.transfers + $1.oocytes, $0.key)
        }
        return Report(by: grouping.rawValue, items: items)
    }
}

private typealias SQLRow = GRDB.Row
