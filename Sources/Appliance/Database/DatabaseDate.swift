import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

extension Date {
    /// The text GRDB stores a `Date` as (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), made without a
    /// `DateFormatter`: records written in bulk (samples, audit events) spend more time in ICU's
    /// formatter than in SQLite otherwise. Milliseconds are truncated, as the formatter does.
    var databaseText: String {
        let milliseconds = Int64((timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var fraction = Int(milliseconds % 1000)
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(23)
        func append(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        append(Int(parts.tm_year) + 1900, digits: 4)
        text.append(UInt8(ascii: "-"))
        append(Int(parts.tm_mon) + 1, digits: 2)
        text.append(UInt8(ascii: "-"))
        append(Int(parts.tm_mday), digits: 2)
        text.append(UInt8(ascii: " "))
        append(Int(parts.tm_hour), digits: 2)
        text.append(UInt8(ascii: ":"))
        append(Int(parts.tm_min), digits: 2)
        text.append(UInt8(ascii: ":"))
        append(Int(parts.tm_sec), digits: 2)
        text.append(UInt8(ascii: "."))
        append(fraction, digits: 3)
        return String(decoding: text, as: UTF8.self)
    }
}
