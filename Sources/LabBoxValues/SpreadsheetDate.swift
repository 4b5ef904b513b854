import Foundation

/// Dates as spreadsheets write them.
package enum SpreadsheetDate {
    /// Excel and people write dates many ways; these are the unambiguous ones (day first with dots,
    /// ISO with or without time), read as UTC.
    package static func timestamp(_ text: String) -> String? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if Timestamp.parse(text) != nil { return text }
        let patterns:
            [(Regex<(Substring, Substring, Substring, Substring)>, (Substring, Substring, Substring) -> String)] = [
                (/^(\d{4})-(\d{2})-(\d{2})$/, { y, m, d in "\(y)-\(m)-\(d)T00:00:00Z" }),
                (/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, { d, m, y in "\(y)-\(pad(m))-\(pad(d))T00:00:00Z" }),
            ]
        for (pattern, build) in patterns {
            if let match = text.wholeMatch(of: pattern) { return build(match.1, match.2, match.3) }
        }
        if let match = text.wholeMatch(of: /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/) {
            return "\(match.1)-\(match.2)-\(match.3)T\(match.4):\(match.5):\(match.6 ?? "00")Z"
        }
        if let match = text.wholeMatch(of: /^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})$/) {
            return "\(match.3)-\(pad(match.2))-\(pad(match.1))T\(pad(match.4)):\(match.5):00Z"
        }
        return nil
    }

    private static func pad(_ text: Substring) -> String { text.count == 1 ? "0" + text : String(text) }

    /// A calendar day, `YYYY-MM-DD`, from any of the forms ``timestamp(_:)`` reads.
    package static func day(_ text: String) -> String? { timestamp(text).map { String($0.prefix(10)) } }
}
