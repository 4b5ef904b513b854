import Foundation

package enum Timestamp {
    /// An RFC 3339 timestamp, with or without fractional seconds; nil for a day or time that does
    /// not exist (Foundation would take 30 February for 1 March).
    package static func parse(_ text: String) -> Date? {
        // Foundation's trimming bridges through NSString; a timestamp seldom has anything to trim.
        let padded = text.first?.isWhitespace == true || text.last?.isWhitespace == true
        let trimmed = padded ? text.trimmingCharacters(in: .whitespaces) : text
        guard CalendarText.exists(trimmed) else { return nil }
        return (try? Date(trimmed, strategy: .iso8601))
            ?? (try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}

/// Whether the day (and time, when given) written at the start of a text exists on the calendar.
package enum CalendarText {
    /// `YYYY-MM-DD`, optionally followed by `THH:MM[:SS]`: the month 1–12, the day within its month
    /// (29 February only in leap years), hours below 24, minutes and seconds below 60.
    package static func exists(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard digits.count >= start + count else { return nil }
            var value = 0
            for byte in digits[start..<start + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        guard digits.count > 10 else { return true }
        guard let hour = number(11, 2), let minute = number(14, 2), hour < 24, minute < 60 else { return false }
        if digits.count > 17, digits[16] == UInt8(ascii: ":") {
            guard let second = number(17, 2), second < 60 else { return false }
        }
        return true
    }
}

/// Calendar days as the lab records them (`YYYY-MM-DD`): a transfer or a check has a day, rarely a
/// meaningful time. Arithmetic on days is zone-free; only ``today`` asks a clock, the lab's
/// (`labbox serve` makes `lab.timezone` the process's zone, decision 0032).
package enum Day {
    package static let style = Date.ISO8601FormatStyle().year().month().day()

    package static func date(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count == 10, CalendarText.exists(text) else { return nil }
        return try? Date(text, strategy: style)
    }

    package static func text(_ date: Date) -> String { date.formatted(style) }

    /// Today on the lab's calendar: in Sydney a transfer done at 8 in the morning is today's even
    /// while UTC is still on yesterday.
    package static var today: String {
        Date().formatted(Date.ISO8601FormatStyle(timeZone: .current).year().month().day())
    }

    /// Whole days from `start` to `end` (negative when `end` is earlier).
    package static func between(_ start: String, _ end: String) -> Int? {
        guard let from = date(start), let to = date(end) else { return nil }
        return Int((to.timeIntervalSince(from) / 86_400).rounded())
    }

    package static func adding(_ days: Int, to day: String) -> String? {
        date(day).map { text($0.addingTimeInterval(Double(days) * 86_400)) }
    }

    /// `input` as a day not in the future, or today when absent; else a 422 naming `field` (and
    /// `label`, what the day is of, in the message): a day that does not exist or has not come is
    /// a rule no schema states, not a malformed request.
    package static func past(_ input: String?, field: String, label: String) throws -> String {
        guard let input, !input.trimmingCharacters(in: .whitespaces).isEmpty else { return today }
        guard let day = date(input), text(day) <= today else {
            throw APIError.validationFailed("Give the \(label) as YYYY-MM-DD, not in the future.", field: field)
        }
        return text(day)
    }
}
