import Foundation
import GRDB
import Hummingbird
import LabBoxServer

/// Success rates over a range of days grouped by donor, sire, technician, protocol, month, embryo
/// grade, fresh versus frozen transfer, the recipient's CL score or her synchrony with the embryo,
/// computed from the records.
package enum ReproductionStats {
    package enum Grouping: String, CaseIterable, Sendable {
        case donor, sire, technician, `protocol`, month, grade, preservation
        case clScore = "cl_score"
        case synchrony

        package var label: String {
            switch self {
            case .preservation: "Fresh or frozen"
            case .clScore: "CL score"
            default: rawValue.capitalized
            }
        }
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
        /// The place in a donor or sire league, by blastocyst rate; nil when not ranked.
        package var rank: Int?

        package var recovery: Rate { Rate(count: oocytes, of: follicles) }
        package var cleavage: Rate { Rate(count: cleaved, of: inseminated) }
        package var blastocyst: Rate { Rate(count: blastocysts, of: inseminated) }
        /// Pregnant ÷ embryo transfers with a diagnosis.
        package var pregnancy: Rate { Rate(count: pregnant, of: diagnosed) }

        package enum CodingKeys: String, CodingKey {
            case key, rank, follicles, oocytes, inseminated, cleaved, blastocysts, transfers, diagnosed, pregnant
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
            try container.encode(rank, forKey: .rank)
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
        package let from: String
        package let to: String
        package let previous: ReportRange
        package let summary: [String: Compared]
        package let items: [Row]
    }

    /// The fewest oocytes inseminated for a donor or sire to be ranked: below it a rate is mostly
    /// chance, so the row is listed, unranked, with its counts.
    package static let leagueMinimum = 20

    /// Rows for `grouping` over `range`, the most active first (months in order, every month of
    /// the range; donors and sires ranked by blastocyst rate), with the totals compared with the
    /// previous period. OPU figures count by the session's day, batch figures by fertilisation,
    /// pregnancy figures by the transfer's day.
    package static func report(_ db: Database, by grouping: Grouping, range: ReportRange) throws -> Report {
        var items = try rows(db, keys: Keys(grouping), range: range)
        switch grouping {
        case .month:
            let found = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0) })
            items = range.months.map { found[$0] ?? Row(key: $0) }
        case .donor, .sire:
            let ranked = items.filter { $0.inseminated >= leagueMinimum }.sorted {
                ($0.blastocyst.percent ?? 0, $0.inseminated, $1.key) > (
                    $1.blastocyst.percent ?? 0, $1.inseminated, $0.key
                )
            }
            for (index, row) in ranked.enumerated() {
                if let position = items.firstIndex(where: { $0.key == row.key }) { items[position].rank = index + 1 }
            }
            items.sort {
                ($0.rank ?? Int.max, $1.inseminated + $1.transfers + $1.oocytes, $0.key) < (
                    $1.rank ?? Int.max, $0.inseminated + $0.transfers + $0.oocytes, $1.key
                )
            }
        default:
            break
        }
        let now = try rows(db, keys: Keys(nil), range: range).first ?? Row(key: "total")
        let before = try rows(db, keys: Keys(nil), range: range.previous).first ?? Row(key: "total")
        return Report(
            by: grouping.rawValue, from: range.from, to: range.to,
            previous: range.previous, summary: summary(now, before),
            items: items)
    }

    /// Each count and rate of `now` beside `before` (rates in percent).
    static func summary(_ now: Row, _ before: Row) -> [String: Compared] {
        var figures: [String: Compared] = [:]
        let counts: [(String, KeyPath<Row, Int>)] = [
            ("opu_sessions", \Row.opuSessions), ("follicles", \.follicles), ("oocytes", \.oocytes),
            ("inseminated", \.inseminated), ("cleaved", \.cleaved), ("blastocysts", \.blastocysts),
            ("transfers", \.transfers), ("diagnosed", \.diagnosed), ("pregnant", \.pregnant),
        ]
        for (key, path) in counts {
            figures[key] = Compared(now[keyPath: path], before[keyPath: path])
        }
        let rates: [(String, KeyPath<Row, Rate>)] = [
            ("recovery", \Row.recovery), ("cleavage", \.cleavage), ("blastocyst", \.blastocyst),
            ("pregnancy", \.pregnancy),
        ]
        for (key, path) in rates {
            figures[key] = Compared(now[keyPath: path].percent, before[keyPath: path].percent)
        }
        return figures
    }

    /// What a row's key is in each of the three sources; nil where a source has no such key (an
    /// OPU session has no sire). Without a grouping, one row of totals.
    private struct Keys {
        let opu: String?
        let batch: String?
        let transfer: String?

        init(_ grouping: Grouping?) {
            switch grouping {
            case nil: (opu, batch, transfer) = ("'total'", "'total'", "'total'")
            case .donor:
                (opu, batch, transfer) = ("a.name || ' #' || a.id", "d.name || ' #' || d.id", "d.name || ' #' || d.id")
            case .sire: (opu, batch, transfer) = (nil, "s.name || ' #' || s.id", "s.name || ' #' || s.id")
            case .technician: (opu, batch, transfer) = ("o.operator", "b.technician", "t.technician")
            case .protocol: (opu, batch, transfer) = (nil, "b.protocol", "b.protocol")
            case .month:
                (opu, batch, transfer) = (
                    "substr(o.performed_on, 1, 7)", "substr(b.fertilised_on, 1, 7)", "substr(t.transferred_on, 1, 7)"
                )
            case .grade: (opu, batch, transfer) = (nil, nil, "'Grade ' || e.grade")
            // An embryo keeps its straw after thawing, so a straw means it was frozen.
            case .preservation:
                (opu, batch, transfer) = (nil, nil, "CASE WHEN e.sample_id IS NULL THEN 'fresh' ELSE 'frozen' END")
            // The recipient's check on the transfer day; none when she was not enrolled.
            case .clScore:
                (opu, batch, transfer) = (
                    nil, nil,
                    """
                    (SELECT CASE WHEN c.cl_score IS NULL THEN 'not scored' ELSE 'CL score ' || c.cl_score END
                     FROM recipients r JOIN recipient_checks c ON c.recipient_id = r.id AND c.checked_on = t.transferred_on
                     WHERE r.transfer_id = t.id)
                    """
                )
            // Her cycle day minus the embryo's day (a fresh IVP embryo's age then), as "-1", "0", "+1".
            case .synchrony:
                (opu, batch, transfer) = (
                    nil, nil,
                    """
                    (SELECT CASE WHEN x > 0 THEN '+' ELSE '' END || x FROM (
                        SELECT CAST(julianday(t.transferred_on) - julianday(r.oestrus_on) AS INTEGER)
                            - CASE WHEN e.sample_id IS NULL AND b.id IS NOT NULL
                                THEN MAX(e.day, CAST(julianday(t.transferred_on) - julianday(b.fertilised_on) AS INTEGER))
                                ELSE e.day END AS x
                        FROM recipients r WHERE r.transfer_id = t.id AND r.oestrus_on IS NOT NULL))
                    """
                )
            }
        }
    }

    /// OPU figures count for donors and OPU operators; batch figures (cleavage, blastocysts) for
    /// donor, sire, batch technician and protocol; pregnancy figures per transferred embryo, for
    /// donor, sire, transfer technician and batch protocol, embryo grade and fresh or frozen.
    private static func rows(_ db: Database, keys: Keys, range: ReportRange) throws -> [Row] {
        var rows: [String: Row] = [:]
        func update(_ key: String?, _ change: (inout Row) -> Void) {
            let key = key.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)"
            change(&rows[key, default: Row(key: key)])
        }
        let days: StatementArguments = ["from": range.from, "to": range.to]
        if let opuKey = keys.opu {
            for row in try SQLRow.fetchAll(
                db,
                sql: """
                    SELECT \(opuKey) AS key, COUNT(*) AS sessions, SUM(o.follicles) AS follicles, SUM(o.oocytes) AS oocytes
                    FROM opu_sessions o JOIN animals a ON a.id = o.donor_id
                    WHERE o.performed_on BETWEEN :from AND :to GROUP BY 1
                    """, arguments: days)
            {
                update(row["key"]) {
                    $0.opuSessions += row["sessions"]
                    $0.follicles += row["follicles"]
                    $0.oocytes += row["oocytes"]
                }
            }
        }
        // Per batch: cleaved from the last D2–D3 check, blastocysts from the last D7–D8 check.
        if let batchKey = keys.batch {
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
                    WHERE b.fertilised_on BETWEEN :from AND :to
                    """, arguments: days)
            {
                update(row["key"]) {
                    $0.inseminated += row["inseminated"] ?? 0
                    $0.cleaved += row["cleaved"] ?? 0
                    $0.blastocysts += row["blastocysts"] ?? 0
                }
            }
        }
        if let transferKey = keys.transfer {
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
                    WHERE t.transferred_on BETWEEN :from AND :to
                    """, arguments: days)
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
        }
        return rows.values.sorted {
            ($0.inseminated + $0.transfers + $0.oocytes, $1.key) > ($1.inseminated + $1.transfers + $1.oocytes, $0.key)
        }
    }
}

private typealias SQLRow = GRDB.Row
