import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week) with `*`, lists,
/// ranges and steps, or one of `@hourly`, `@daily`, `@weekly`, `@monthly`. Times are the
/// server's local time. As in Vixie cron, when both day fields are restricted a day matching
/// either one runs.
package struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    package let description: String
    private let minutes: Set<Int>
    private let hours: Set<Int>
    private let days: Set<Int>
    private let months: Set<Int>
    private let weekdays: Set<Int>
    private let daysRestricted: Bool
    private let weekdaysRestricted: Bool

    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    package init(_ text: String) throws {
        let aliases = ["@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *"]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fields = (aliases[trimmed] ?? trimmed).split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5 else {
            throw Invalid(description: "'\(text)' needs five fields: minute hour day-of-month month day-of-week")
        }
        description = trimmed
        minutes = try Self.field(fields[0], 0...59, "minute")
        hours = try Self.field(fields[1], 0...23, "hour")
        days = try Self.field(fields[2], 1...31, "day of month")
        months = try Self.field(fields[3], 1...12, "month")
        // 7 is Sunday too.
        weekdays = Set(try Self.field(fields[4], 0...7, "day of week").map { $0 % 7 })
        daysRestricted = fields[2] != "*"
        weekdaysRestricted = fields[4] != "*"
    }

    private static func field(_ text: Substring, _ range: ClosedRange<Int>, _ name: String) throws -> Set<Int> {
        var values: Set<Int> = []
        for part in text.split(separator: ",") {
            // Empty pieces kept: "/" and "5/" are a bad step, not a field without one (fuzzing found
            // "/" crashing the parser, and with it the server saving a schedule).
            let pieces = part.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { throw Invalid(description: "bad step in \(name) '\(part)'") }
            let span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                guard let low = Int(pieces[0][..<dash]), let high = Int(pieces[0][pieces[0].index(after: dash)...]),
                    low <= high, range.contains(low), range.contains(high)
                else { throw Invalid(description: "bad range in \(name) '\(part)'") }
                span = low...high
            } else {
                guard let value = Int(pieces[0]), range.contains(value) else {
                    throw Invalid(description: "\(name) '\(part)' is outside \(range.lowerBound)–\(range.upperBound)")
                }
                span = value...(pieces.count == 2 ? range.upperBound : value)
            }
            values.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return values
    }

    /// The first matching minute strictly after `date`, searching up to five years ahead.
    package func next(after date: Date, calendar: Calendar = .current) -> Date? {
        guard let start = calendar.date(byAdding: .minute, value: 1, to: date),
            let firstMinute = calendar.dateInterval(of: .minute, for: start)?.start
        else { return nil }
        var day = calendar.startOfDay(for: firstMinute)
        for _ in 0..<(366 * 5) {
            let parts = calendar.dateComponents([.day, .month, .weekday], from: day)
            if let month = parts.month, months.contains(month), matches(day: parts.day, weekday: parts.weekday) {
                for hour in hours.sorted() {
                    for minute in minutes.sorted() {
                        guard let candidate = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)
                        else { continue }
                        if candidate >= firstMinute { return candidate }
                    }
                }
            }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = following
        }
        return nil
    }

    private func matches(day: Int?, weekday: Int?) -> Bool {
        let dayMatches = day.map(days.contains) ?? false
        // Calendar weekdays run 1 (Sunday) to 7; cron's run 0 (Sunday) to 6.
        let weekdayMatches = weekday.map { weekdays.contains($0 - 1) } ?? false
        switch (daysRestricted, weekdaysRestricted) {
        case (true, true): return dayMatches || weekdayMatches
        case (true, false): return dayMatches
        case (false, true): return weekdayMatches
        case (false, false): return true
        }
    }
}
