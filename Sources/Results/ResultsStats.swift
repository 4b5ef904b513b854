import Foundation
import GRDB
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The lab's testing over a range of days: tests received and verified per month of the lab's
/// calendar, the median turnaround from receipt to verification, and the most requested tests,
/// compared with the previous period. A test is received when its analysis is registered on an
/// order (the sample is in the lab) and verified when the last signature it needs is given.
package enum ResultsStats {
    package struct Month: Encodable, Sendable {
        package let month: String
        package var received = 0
        package var verified = 0
        /// Hours from receipt to verification, the median of the tests verified in the month.
        package var medianTurnaroundHours: Double?

        enum CodingKeys: String, CodingKey {
            case month, received, verified
            case medianTurnaroundHours = "median_turnaround_hours"
        }
    }

    package struct TestCount: Encodable, Sendable {
        package let code: String
        package let name: String
        package let received: Int
    }

    package struct Report: Encodable, Sendable, ResponseEncodable {
        package let from: String
        package let to: String
        package let previous: ReportRange
        package let summary: [String: Compared]
        package let months: [Month]
        package let tests: [TestCount]
    }

    package static func report(_ db: Database, range: ReportRange, time: LabTime) throws -> Report {
        let months = try self.months(db, range: range, time: time)
        let before = try self.months(db, range: range.previous, time: time)
        func total(_ months: [Month], _ path: KeyPath<Month, Int>) -> Int {
            months.reduce(0) { $0 + $1[keyPath: path] }
        }
        let orders = try [range, range.previous].map {
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM lab_orders WHERE ordered_on BETWEEN ? AND ?",
                arguments: [$0.from, $0.to])
                ?? 0
        }
        let (start, end) = range.instants(in: time)
        let tests = try Row.fetchAll(
            db,
            sql: """
                SELECT t.code, t.name, COUNT(*) AS received FROM analyses a JOIN lab_tests t ON t.id = a.test_id
                WHERE a.created_at >= ? AND a.created_at < ? GROUP BY t.id ORDER BY received DESC, t.code LIMIT 20
                """, arguments: [start, end]
        ).map { TestCount(code: $0["code"], name: $0["name"], received: $0["received"]) }
        return Report(
            from: range.from, to: range.to, previous: range.previous,
            summary: [
                "orders": Compared(orders[0], orders[1]),
                "received": Compared(total(months, \.received), total(before, \.received)),
                "verified": Compared(total(months, \.verified), total(before, \.verified)),
                "median_turnaround_hours": Compared(
                    try medianTurnaround(db, range: range, time: time),
                    try medianTurnaround(db, range: range.previous, time: time)),
            ],
            months: months, tests: tests)
    }

    /// Every month of `range` on the lab's calendar (``MonthlyCounts``).
    private static func months(_ db: Database, range: ReportRange, time: LabTime) throws -> [Month] {
        var months = range.months.map { Month(month: $0) }
        let monthly = MonthlyCounts(range, time: time)
        let received = try monthly.counts(db, table: "analyses", column: "created_at")
        let verified = try monthly.counts(db, table: "analyses", column: "updated_at", where: "state = 'verified'")
        for index in months.indices {
            (months[index].received, months[index].verified) = (received[index], verified[index])
        }
        var hours: [Int: [Double]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT \(monthly.bucket) AS month, (julianday(ts) - julianday(created_at)) * 24 AS hours
                FROM (SELECT updated_at AS ts, created_at FROM analyses
                      WHERE state = 'verified' AND updated_at >= ? AND updated_at < ?)
                """, arguments: StatementArguments(monthly.cuts + [monthly.start, monthly.end]))
        {
            hours[row["month"], default: []].append(row["hours"])
        }
        for (index, values) in hours where months.indices.contains(index) {
            months[index].medianTurnaroundHours = median(values)
        }
        return months
    }

    private static func medianTurnaround(_ db: Database, range: ReportRange, time: LabTime) throws -> Double? {
        let (start, end) = range.instants(in: time)
        return median(
            try Double.fetchAll(
                db,
                sql: """
                    SELECT (julianday(updated_at) - julianday(created_at)) * 24 FROM analyses
                    WHERE state = 'verified' AND updated_at >= ? AND updated_at < ?
                    """, arguments: [start, end]))
    }

    /// The middle value (the mean of the two middle ones), to a tenth of an hour; nil for none.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let value = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return (value * 10).rounded() / 10
    }
}
