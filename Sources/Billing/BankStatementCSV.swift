import Crypto
import Foundation
import LabBoxServer
import LabBoxValues
import SwiftCSV

/// A bank statement export as LabBox reads it (docs/BILLING.md, "Bank statements"): a header
/// row, then one line per booking. The separator (`,` `;` or tab) is recognised; columns are
/// found by name (case and spaces ignored), others are skipped, since every bank adds its own.
/// Amounts become integer minor units from their digits, never through a binary fraction.
package enum BankStatementCSV {
    package struct Line: Sendable, Equatable {
        /// The line's number in the file; the header is line 1.
        package let number: Int
        package let bookedOn: String
        package let amountMinor: Int64
        package let reference: String
        package let counterparty: String
        /// Identifies the booking across imports: day, amount, texts, and which of identical
        /// lines in the file it is.
        package let hash: String
    }

    /// The names each column goes by; the first found wins.
    static let columns: [(field: String, names: [String])] = [
        ("date", ["date", "booking_date", "booked_on", "value_date", "transaction_date"]),
        ("amount", ["amount", "value"]),
        ("reference", ["reference", "remittance", "remittance_information", "purpose", "description", "memo"]),
        ("counterparty", ["counterparty", "name", "payer", "payer_name", "counterparty_name"]),
        ("currency", ["currency"]),
    ]

    static let maxLines = 10_000

    package static func lines(_ text: String, currency: Currency, today: String = Day.today) throws -> [Line] {
        let delimiter = CSVDelimiter.guessed(string: text)
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: delimiter)
        } catch {
            throw CSVTable.fileProblem("The file is not valid CSV.")
        }
        let header = csv.header.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
                .replacingOccurrences(of: "-", with: "_")
        }
        var index: [String: Int] = [:]
        for (field, names) in columns {
            index[field] = names.lazy.compactMap { header.firstIndex(of: $0) }.first
        }
        for required in ["date", "amount"] where index[required] == nil {
            throw CSVTable.fileProblem(
                "No \(required) column; a statement has the columns date, amount, reference and counterparty.")
        }
        guard csv.rows.count <= maxLines else {
            throw CSVTable.fileProblem("At most \(maxLines) lines per file.")
        }
        // A decimal comma is the norm where `;` separates; it decides only `1.234` vs `1,234`.
        let decimalComma = delimiter == .semicolon
        var seen: [String: Int] = [:]
        var lines: [Line] = []
        for (offset, row) in csv.rows.enumerated()
        where !row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let number = offset + 2
            func value(_ field: String) -> String {
                index[field].flatMap { $0 < row.count ? row[$0] : nil }?.trimmingCharacters(in: .whitespacesAndNewlines)
                    ?? ""
            }
            func problem(_ field: String, _ message: String) -> APIError {
                APIError.validationFailed("Line \(number): \(message)", field: "lines.\(number).\(field)")
            }
            guard let day = day(value("date")) else {
                throw problem("date", "'\(value("date"))' is not a day (YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY).")
            }
            guard day <= today else { throw problem("date", "\(day) is in the future.") }
            guard let amount = minor(value("amount"), currency: currency, decimalComma: decimalComma) else {
                throw problem(
                    "amount",
                    "'\(value("amount"))' is not an amount in \(currency.code) (at most \(currency.digits) decimals, e.g. 1234.50, 1.234,50 or -12,00)."
                )
            }
            let code = value("currency")
            guard code.isEmpty || code.uppercased() == currency.code else {
                throw problem("currency", "\(code) is not the lab's currency, \(currency.code).")
            }
            let reference = value("reference").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let counterparty = value("counterparty").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard reference.unicodeScalars.count <= 1000 else {
                throw problem("reference", "Longer than 1000 characters.")
            }
            guard counterparty.unicodeScalars.count <= 200 else {
                throw problem("counterparty", "Longer than 200 characters.")
            }
            let key = [day, String(amount), reference, counterparty].joined(separator: "\u{1F}")
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            lines.append(
                Line(
                    number: number, bookedOn: day, amountMinor: amount, reference: reference,
                    counterparty: counterparty,
                    hash: SHA256.hash(data: Data((key + "\u{1F}" + String(occurrence)).utf8)).hex))
        }
        guard !lines.isEmpty else { throw CSVTable.fileProblem("The file has no lines below its header.") }
        return lines
    }

    /// `2026-03-01`, `01.03.2026`, `1.3.26` or `01/03/2026` (day first, as European banks write
    /// it) as `2026-03-01`; nil for anything else or a day the calendar lacks.
    package static func day(_ text: String) -> String? {
        if Day.date(text) != nil { return text }
        guard let match = text.wholeMatch(of: /([0-9]{1,2})[.\/]([0-9]{1,2})[.\/]([0-9]{2}|[0-9]{4})/),
            let day = Int(match.1), let month = Int(match.2), var year = Int(match.3)
        else { return nil }
        if match.3.count == 2 { year += 2000 }
        let iso = String(format: "%04d-%02d-%02d", year, month, day)
        return Day.date(iso) == nil ? nil : iso
    }

    /// An amount as minor units of `currency`: an optional sign (`-12,00`, `+5`, `12.00-`),
    /// digits grouped by `.` `,` space or `'`, and a decimal `,` or `.`. With both marks the
    /// later is the decimal; one mark used twice groups; one mark once before exactly three
    /// digits is the decimal only where `decimalComma` says it is that mark. Nil when it is none,
    /// or has more decimals than the currency.
    package static func minor(_ raw: String, currency: Currency, decimalComma: Bool) -> Int64? {
        var text = raw.filter { !" \u{00A0}\u{202F}'’".contains($0) }
        var negative = false
        if text.hasPrefix("-") || text.hasPrefix("+") {
            negative = text.hasPrefix("-")
            text.removeFirst()
        } else if text.hasSuffix("-") {
            negative = true
            text.removeLast()
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }),
            text.first?.isNumber == true, text.last?.isNumber == true
        else { return nil }
        let marks = text.filter { !$0.isNumber }
        let decimal: Character?
        if Set(marks).count == 2 {
            decimal = marks.last
        } else if let mark = marks.first, marks.count == 1 {
            let after =
                text.count - 1 - (text.firstIndex(of: mark).map { text.distance(from: text.startIndex, to: $0) } ?? 0)
            decimal = after != 3 || (mark == ",") == decimalComma ? mark : nil
        } else {
            decimal = nil
        }
        var whole = text
        var fraction = ""
        if let decimal, let split = text.lastIndex(of: decimal) {
            whole = String(text[..<split])
            fraction = String(text[text.index(after: split)...])
            guard !fraction.contains(where: { !$0.isNumber }) else { return nil }
        }
        let groups = whole.split(
            separator: whole.first(where: { !$0.isNumber }) ?? ",", omittingEmptySubsequences: false)
        guard groups.allSatisfy({ $0.allSatisfy(\.isNumber) }),
            groups.count == 1
                || ((1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 })
        else { return nil }
        let digits = groups.joined()
        guard let value = currency.minor(digits + (fraction.isEmpty ? "" : "." + fraction)) else { return nil }
        return negative ? -value : value
    }
}
