import Foundation

/// Dates as the text LabBox stores and sends, made without a `DateFormatter` or format style:
/// rows written in bulk and JSON pages of samples spent more time in ICU than in SQLite.
extension Date {
    /// What GRDB stores a `Date` as: `yyyy-MM-dd HH:mm:ss.SSS`, UTC, milliseconds truncated.
    package var databaseText: String { text(separator: " ", milliseconds: true, zone: "") }

    /// The date in `text` as ``databaseText`` writes it (`yyyy-MM-dd HH:mm:ss`, then optionally a
    /// fraction), UTC; nil for any other form. Read by arithmetic: GRDB's own conversion goes
    /// through `DateComponents` and a `Calendar`, and a page of fifty samples reads 150 dates.
    package init?(databaseText text: String) {
        var text = text
        guard let date = text.withUTF8({ Date(databaseText: $0) }) else { return nil }
        self = date
    }

    /// The same from the text's UTF-8 bytes, as SQLite hands a column over: no `String` between.
    package init?(databaseText bytes: UnsafeBufferPointer<UInt8>) {
        let parsed: Double? = {
            guard (19...38).contains(bytes.count), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
            else { return nil }
            // By index, not through a slice of `bytes`: a page of fifty samples reads 150 dates.
            func number(_ start: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for index in start..<start + count {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            var fraction = 0.0
            if bytes.count > 19 {
                guard bytes[19] == UInt8(ascii: "."), bytes.count > 20, let digits = number(20, bytes.count - 20) else {
                    return nil
                }
                var scale = 1.0
                for _ in 20..<bytes.count { scale *= 10 }
                fraction = Double(digits) / scale
            }
            // Days since 1970-01-01 (H. Hinnant's `days_from_civil`), the inverse of the writer's:
            // the proleptic Gregorian calendar, as SQLite's date functions count.
            let shiftedYear = month <= 2 ? year - 1 : year
            let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
            let yearOfEra = shiftedYear - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        }()
        guard let parsed else { return nil }
        self.init(timeIntervalSince1970: parsed)
    }

    /// RFC 3339 in UTC (`2026-03-01T09:30:00Z`), as a sample's JSON writes its times: to the second,
    /// with milliseconds when there are any (`…09:30:00.250Z`), so that the instant a client sent is
    /// the instant it reads back. (Records whose times only the server sets keep the encoder's
    /// `.iso8601`: a custom date strategy made every JSON response about 15 % slower.)
    package var rfc3339Text: String { text(separator: "T", milliseconds: nil, zone: "Z") }

    /// Appends ``rfc3339Text`` to `bytes`, for JSON written as bytes (a page of samples has 150).
    package func appendRFC3339(to bytes: inout [UInt8]) {
        append(to: &bytes, separator: UInt8(ascii: "T"), milliseconds: nil, zone: "Z")
    }

    /// RFC 3339 in UTC with milliseconds (`2026-03-01T09:30:00.123Z`), as the audit trail records times.
    package var rfc3339MillisecondsText: String { text(separator: "T", milliseconds: true, zone: "Z") }

    /// Appends ``rfc3339MillisecondsText`` to `bytes`, for writers that build a line of bytes.
    package func appendRFC3339Milliseconds(to bytes: inout [UInt8]) {
        append(to: &bytes, separator: UInt8(ascii: "T"), milliseconds: true, zone: "Z")
    }

    /// `milliseconds` nil: only when there are any.
    private func text(separator: Character, milliseconds: Bool?, zone: String) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(24)
        append(to: &text, separator: separator.asciiValue!, milliseconds: milliseconds, zone: zone)
        return String(decoding: text, as: UTF8.self)
    }

    private func append(to text: inout [UInt8], separator: UInt8, milliseconds: Bool?, zone: String) {
        // A microsecond of slack before truncating: a date read back from "….123" is a hair below
        // .123 as a Double, and must print as .123 again, or every signature on a record that was
        // read back would look stale.
        let total = Int64((timeIntervalSince1970 * 1000 + 0.001).rounded(.down))
        let (seconds, fraction) = total.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, wholeFraction) = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let milliseconds = milliseconds ?? (wholeFraction != 0)
        // The civil date by arithmetic (H. Hinnant's `civil_from_days`), not `gmtime_r`: glibc's
        // takes the time-zone lock on every call, which every request's log line and every
        // sample's times would queue on.
        var days = wholeSeconds / 86_400
        var secondOfDay = wholeSeconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Written into a buffer on the stack and appended once: appended byte by byte, the digits
        // were a tenth of a page of fifty samples (docs/BENCHMARKS.md, ninth round).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var end = 0
            func put(_ value: Int64, digits: Int, then next: UInt8?) {
                var value = value
                for index in stride(from: end + digits - 1, through: end, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                end += digits
                if let next {
                    buffer[end] = next
                    end += 1
                }
            }
            put(year, digits: 4, then: UInt8(ascii: "-"))
            put(month, digits: 2, then: UInt8(ascii: "-"))
            put(day, digits: 2, then: separator)
            put(secondOfDay / 3600, digits: 2, then: UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, digits: 2, then: UInt8(ascii: ":"))
            put(secondOfDay % 60, digits: 2, then: milliseconds ? UInt8(ascii: ".") : nil)
            if milliseconds { put(wholeFraction, digits: 3, then: nil) }
            for byte in zone.utf8 {
                buffer[end] = byte
                end += 1
            }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<end]))
        }
    }
}
