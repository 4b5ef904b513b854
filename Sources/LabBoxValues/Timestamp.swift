import Foundation

package enum Timestamp {
    /// An RFC 3339 timestamp, with or without fractional seconds.
    package static func parse(_ text: String) -> Date? {
        // Foundation's trimming bridges through NSString; a timestamp seldom has anything to trim.
        let padded = text.first?.isWhitespace == true || text.last?.isWhitespace == true
        let trimmed = padded ? text.trimmingCharacters(in: .whitespaces) : text
        return (try? Date(trimmed, strategy: .iso8601))
            ?? (try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}

/// Calendar days as the lab records them (`YYYY-MM-DD`, UTC): a transfer or a check has a day,
/// rarely a meaningful time.
package enum Day {
    package static let style = Date.ISO8601FormatStyle().year().month().day()

    package static func date(_ text: String) -> Date? {
        try? Date(text.trimmingCharacters(in: .whitespaces), strategy: style)
    }

    package static func text(_ date: Date) -> String { date.formatted(style) }

    package static var today: String { text(Date()) }

    /// Whole days from `start` to `end` (negative when `end` is earlier).
    package static func between(_ start: String, _ end: String) -> Int? {
        guard let from = date(start), let to = date(end) else { return nil }
        return Int((to.timeIntervalSince(from) / 86_400).rounded())
    }

    package static func adding(_ days: Int, to day: String) -> String? {
        date(day).map { text($0.addingTimeInterval(Double(days) * 86_400)) }
    }

    /// `input` as a day not in the future, or today when absent; a validation error naming `field`
    /// (and `label`, what the day is of, in the message).
    package static func past(_ input: String?, field: String, label: String) throws -> String {
        guard let input, !input.trimmingCharacters(in: .whitespaces).isEmpty else { return today }
        guard let day = date(input), day <= Date() else {
            throw APIError.invalid("Give the \(label) as YYYY-MM-DD, not in the future.", field: field)
        }
        return text(day)
    }
}
