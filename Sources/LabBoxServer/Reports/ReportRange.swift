import Foundation
import LabBoxValues

/// The days a report covers (`from`, `to`, both included, the lab's calendar days) and the period
/// of the same length just before it, which every figure is compared with (docs/decisions/0038).
package struct ReportRange: Encodable, Sendable, Equatable {
    /// The ranges the forms offer and a saved report keeps: relative to the day it is read.
    package enum Preset: String, CaseIterable, Sendable {
        case thisMonth = "this-month"
        case last3Months = "last-3-months"
        case last12Months = "last-12-months"
        case thisYear = "this-year"

        package var label: String {
            switch self {
            case .thisMonth: "This month"
            case .last3Months: "Last 3 months"
            case .last12Months: "Last 12 months"
            case .thisYear: "This year"
            }
        }

        /// Whole months back to the first of a month, today included: the last 12 months of
        /// 6 December are 1 January to 6 December, so every month of a chart is a calendar month.
        package func range(today: String) -> ReportRange {
            let year = Int(today.prefix(4)) ?? 1970
            let month = Int(today.dropFirst(5).prefix(2)) ?? 1
            let back =
                switch self {
                case .thisMonth: 0
                case .last3Months: 2
                case .last12Months: 11
                case .thisYear: month - 1
                }
            let first = (year * 12 + month - 1) - back
            return ReportRange(uncheckedFrom: String(format: "%04d-%02d-01", first / 12, first % 12 + 1), to: today)
        }
    }

    package let from: String
    package let to: String

    private enum CodingKeys: String, CodingKey { case from, to }

    private init(uncheckedFrom from: String, to: String) { (self.from, self.to) = (from, to) }

    /// Days counted, both ends included.
    package var days: Int { (Day.between(from, to) ?? 0) + 1 }

    /// The same number of days ending the day before `from`.
    package var previous: ReportRange {
        ReportRange(
            uncheckedFrom: Day.adding(-days, to: from) ?? from, to: Day.adding(-1, to: from) ?? from)
    }

    /// `YYYY-MM` of every month the range touches, in order.
    package var months: [String] { Self.months(from: from, to: to) }

    /// `YYYY-MM` of every month from the day `from` to the day `to`.
    package static func months(from: String, to: String) -> [String] {
        var months: [String] = []
        var year = Int(from.prefix(4)) ?? 0
        var month = Int(from.dropFirst(5).prefix(2)) ?? 1
        let last = String(to.prefix(7))
        while months.count < 1200 {
            let text = String(format: "%04d-%02d", year, month)
            guard text <= last else { break }
            months.append(text)
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return months
    }

    /// The instants the range begins and ends (exclusive) in the lab's zone, for timestamps.
    package func instants(in time: LabTime) -> (start: Date, end: Date) {
        let start = time.start(ofDay: from) ?? Date.distantPast
        let end = Day.adding(1, to: to).flatMap(time.start(ofDay:)) ?? Date.distantFuture
        return (start, end)
    }

    /// `range` (a preset), `from` and `to` (YYYY-MM-DD) of `query`: `from` and `to` override the
    /// preset's ends; `defaultPreset` when none is given. A malformed value is a 400 naming it; a
    /// `from` after `to`, or more than ten years, a 422.
    package init(_ query: ListQuery, today: String, default defaultPreset: Preset) throws {
        let preset =
            try query.choice("range", in: Preset.allCases.map(\.rawValue)).flatMap(Preset.init) ?? defaultPreset
        let base = preset.range(today: today)
        let from = try Self.day(query["from"], field: "from") ?? base.from
        let to = try Self.day(query["to"], field: "to") ?? base.to
        guard from <= to else { throw APIError.validationFailed("from is after to.", field: "to") }
        guard (Day.between(from, to) ?? 0) <= 3660 else {
            throw APIError.validationFailed("At most ten years at once.", field: "to")
        }
        (self.from, self.to) = (from, to)
    }

    private static func day(_ text: String?, field: String) throws -> String? {
        guard let text else { return nil }
        guard let day = Day.date(text) else { throw APIError.invalid("\(field) must be YYYY-MM-DD.", field: field) }
        return Day.text(day)
    }
}
