import Foundation
import GRDB
import LabBoxValues

/// Timestamps (stored UTC) counted per month of the lab's calendar: each month is cut at the lab's
/// midnight, so a sample received at 00:30 on 1 March in Berlin is March's whatever UTC says.
package struct MonthlyCounts {
    /// The SQL expression numbering the month of the range that the expression `ts` falls in (0 is
    /// the first month), and the instants it compares with, to bind in order.
    package let bucket: String
    package let cuts: [Date]
    package let start: Date
    package let end: Date

    package init(_ range: ReportRange, time: LabTime) {
        (start, end) = range.instants(in: time)
        // The instants months begin after the range's start: before the n-th cut is month n.
        cuts = range.months.dropFirst().compactMap { time.start(ofDay: $0 + "-01") }
        bucket =
            cuts.isEmpty
            ? "0"
            : "CASE " + cuts.indices.map { "WHEN ts < ? THEN \($0)" }.joined(separator: " ") + " ELSE \(cuts.count) END"
    }

    /// How many rows of `table` have `column` in each month of the range (and match `condition`);
    /// with a `weight` (a column of counts), their sum.
    package func counts(
        _ db: Database, table: String, column: String, where condition: String = "1", weight: String = "1"
    ) throws -> [Int] {
        var counts = Array(repeating: 0, count: cuts.count + 1)
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT \(bucket) AS month, SUM(w) AS n
                FROM (
                    SELECT \(column) AS ts, \(weight) AS w FROM \(table)
                    WHERE (\(condition)) AND \(column) >= ? AND \(column) < ?)
                GROUP BY 1
                """, arguments: StatementArguments(cuts + [start, end]))
        {
            let month: Int = row["month"]
            if counts.indices.contains(month) { counts[month] = row["n"] }
        }
        return counts
    }
}
