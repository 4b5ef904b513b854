import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Dates as the text LabBox stores and sends, made without a `DateFormatter` or format style:
/// rows written in bulk and JSON pages of samples spent more time in ICU than in SQLite.
extension Date {
    /// What GRDB stores a `Date` as: `yyyy-MM-dd HH:mm:ss.SSS`, UTC, milliseconds truncated.
    package var databaseText: String { text(separator: " ", milliseconds: true, zone: "") }

    /// RFC 3339 in UTC (`2026-03-01T09:30:00Z`), as a sample's JSON writes its times: to the second,
    /// with milliseconds when there are any (`…09:30:00.250Z`), so that the instant a client sent is
    /// the instant it reads back. (Records whose times only the server sets keep the encoder's
    /// `.iso8601`: a custom date strategy made every JSON response about 15 % slower.)
    package var rfc3339Text: String {
        let wholeSecond =
            (timeIntervalSince1970 * 1000 + 0.001).rounded(.down).truncatingRemainder(dividingBy: 1000) == 0
        return text(separator: "T", milliseconds: !wholeSecond, zone: "Z")
    }

    /// RFC 3339 in UTC with milliseconds (`2026-03-01T09:30:00.123Z`), as the audit trail records times.
    package var rfc3339MillisecondsText: String { text(separator: "T", milliseconds: true, zone: "Z") }

    private func text(separator: Character, milliseconds: Bool, zone: String) -> String {
        // A microsecond of slack before truncating: a date read back from "….123" is a hair below
        // .123 as a Double, and must print as .123 again, or every signature on a record that was
        // read back would look stale.
        let total = Int64((timeIntervalSince1970 * 1000 + 0.001).rounded(.down))
        var seconds = time_t(total / 1000)
        var fraction = Int(total % 1000)
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func append(_ value: Int, digits: Int, then next: Character? = nil) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            if let next { text += String(next).utf8 }
        }
        append(Int(parts.tm_year) + 1900, digits: 4, then: "-")
        append(Int(parts.tm_mon) + 1, digits: 2, then: "-")
        append(Int(parts.tm_mday), digits: 2, then: separator)
        append(Int(parts.tm_hour), digits: 2, then: ":")
        append(Int(parts.tm_min), digits: 2, then: ":")
        append(Int(parts.tm_sec), digits: 2, then: milliseconds ? "." : nil)
        if milliseconds { append(fraction, digits: 3) }
        text += zone.utf8
        return String(decoding: text, as: UTF8.self)
    }
}
