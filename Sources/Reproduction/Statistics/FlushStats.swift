import Foundation
import GRDB
import Hummingbird
import LabBoxServer

/// Flush yields over a range of days (by the day of the flush), grouped by donor, protocol or
/// month: how many flushes, what they recovered, and transferable embryos per flush.
package enum FlushStats {
    package enum Grouping: String, CaseIterable, Sendable {
        case donor, `protocol`, month

        package var label: String { rawValue.capitalized }

        /// `by`: donor (default), protocol or month.
        package init(_ query: ListQuery) throws {
            self = try query.choice("by", in: Self.allCases.map(\.rawValue)).flatMap(Self.init) ?? .donor
        }

        var key: String {
            switch self {
            case .donor: "a.name || ' #' || a.id"
            // A flush recorded without its superovulation has no protocol.
            case .protocol: "COALESCE(s.protocol_name, '(none recorded)')"
            case .month: "substr(f.flushed_on, 1, 7)"
            }
        }
    }

    package struct Row: Codable, Sendable {
        package var key: String
        package var flushes = 0
        package var recovered = 0
        package var unfertilised = 0
        package var degenerate = 0
        package var graded = 0
        package var transferable = 0

        /// Per flush, one decimal; nil without flushes.
        package var recoveredPerFlush: Double? { perFlush(recovered) }
        package var transferablePerFlush: Double? { perFlush(transferable) }

        private func perFlush(_ count: Int) -> Double? {
            flushes == 0 ? nil : (Double(count) * 10 / Double(flushes)).rounded() / 10
        }

        package enum CodingKeys: String, CodingKey {
            case key, flushes, recovered, unfertilised, degenerate, graded, transferable
            case recoveredPerFlush = "recovered_per_flush"
            case transferablePerFlush = "transferable_per_flush"
        }

        package init(key: String) { self.key = key }

        package init(from decoder: Decoder) throws {
            key = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .key)
        }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            for (value, key) in [
                (flushes, CodingKeys.flushes), (recovered, .recovered), (unfertilised, .unfertilised),
                (degenerate, .degenerate), (graded, .graded), (transferable, .transferable),
            ] {
                try container.encode(value, forKey: key)
            }
            try container.encode(recoveredPerFlush, forKey: .recoveredPerFlush)
            try container.encode(transferablePerFlush, forKey: .transferablePerFlush)
        }
    }

    package struct Report: Encodable, Sendable, ResponseEncodable {
        package let by: String
        package let from: String
        package let to: String
        package let total: Row
        /// The totals of the period of the same length just before, to compare with.
        package let previous: ReportRange
        package let previousTotal: Row
        package let items: [Row]

        package enum CodingKeys: String, CodingKey {
            case by, from, to, total, previous, items
            case previousTotal = "previous_total"
        }
    }

    /// Rows for `grouping` over `range`: months in order (every month of the range), else the
    /// most flushed first; with the range's totals and the previous period's.
    package static func report(_ db: Database, by grouping: Grouping, range: ReportRange) throws -> Report {
        var items = try rows(db, key: grouping.key, range: range)
        if grouping == .month {
            let found = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0) })
            items = range.months.map { found[$0] ?? Row(key: $0) }
        }
        let total = try rows(db, key: "'total'", range: range).first ?? Row(key: "total")
        let before = try rows(db, key: "'total'", range: range.previous).first ?? Row(key: "total")
        return Report(
            by: grouping.rawValue, from: range.from, to: range.to, total: total, previous: range.previous,
            previousTotal: before, items: items)
    }

    private static func rows(_ db: Database, key: String, range: ReportRange) throws -> [Row] {
        try GRDB.Row.fetchAll(
            db,
            sql: """
                SELECT \(key) AS key, count(*) AS flushes, sum(f.recovered) AS recovered,
                       sum(f.unfertilised) AS unfertilised, sum(f.degenerate) AS degenerate,
                       sum((SELECT count(*) FROM embryos e WHERE e.flush_id = f.id)) AS graded,
                       sum((SELECT count(*) FROM embryos e WHERE e.flush_id = f.id AND e.grade < 4)) AS transferable
                FROM flushes f JOIN animals a ON a.id = f.donor_id
                LEFT JOIN superovulations s ON s.id = f.superovulation_id
                WHERE f.flushed_on BETWEEN :from AND :to
                GROUP BY 1 ORDER BY 2 DESC, 1
                """, arguments: ["from": range.from, "to": range.to]
        ).map { row in
            var item = Row(key: row["key"])
            item.flushes = row["flushes"]
            item.recovered = row["recovered"]
            item.unfertilised = row["unfertilised"]
            item.degenerate = row["degenerate"]
            item.graded = row["graded"]
            item.transferable = row["transferable"]
            return item
        }
    }
}
