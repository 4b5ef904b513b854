/// The lab's currency (`billing.currency`): an ISO 4217 code and the digits of its minor unit,
/// which come from the standard's table, never from a guess (EUR 2, JPY 0, KWD 3).
package struct Currency: Sendable, Hashable, Codable {
    package let code: String
    /// Digits of the minor unit: amounts are stored as integers of 10^-digits of the major unit.
    package let digits: Int

    /// The currency named `code` (case-insensitive), nil when ISO 4217 has no such active code.
    package init?(_ code: String) {
        let upper = code.uppercased()
        guard let digits = Self.iso4217[upper] else { return nil }
        self.code = upper
        self.digits = digits
    }

    package static let euro = Currency("EUR")!

    /// Where amounts are rounded: to the minor unit, but never beyond 2 decimals, the most EN 16931
    /// allows (BR-DEC): a 3-digit currency keeps its minor unit, in whole multiples of 10.
    package var roundingDecimals: Int { min(digits, 2) }

    /// Minor units per rounding step: 1, or 10 for a 3-digit currency.
    package var step: Int64 { Money.power(digits - roundingDecimals) }

    /// `minor` as a decimal text with the currency's digits: `1234.50`, `-0.05`, `1500` (JPY).
    package func text(_ minor: Int64) -> String {
        FixedPoint.text(minor, scale: digits)
    }

    /// A decimal text (`12.5`, `-3`) as minor units; nil unless it is a number with at most the
    /// currency's digits.
    package func minor(_ text: String) -> Int64? {
        FixedPoint.parse(text, scale: digits)
    }

    /// The active codes of ISO 4217 (list one, 2024) and their minor-unit digits. Funds codes,
    /// precious metals and the testing/no-currency codes are left out: nobody invoices in them.
    package static let iso4217: [String: Int] = [
        "AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2, "AZN": 2,
        "BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2, "BOB": 2, "BRL": 2,
        "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHF": 2, "CLP": 0, "CNY": 2,
        "COP": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2,
        "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2,
        "GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2,
        "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2, "KMF": 0,
        "KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2,
        "LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2,
        "MVR": 2, "MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2,
        "NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2,
        "RON": 2, "RSD": 2, "RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2,
        "SHP": 2, "SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2,
        "TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2, "UGX": 0,
        "USD": 2, "UYU": 2, "UYW": 4, "UZS": 2, "VES": 2, "VND": 0, "VUV": 0, "WST": 2, "XAF": 0, "XCD": 2,
        "XOF": 0, "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
    ]
}

/// Exact decimal numbers as integers of 10^-scale: quantities (thousandths), unit prices
/// (ten-thousandths) and amounts (minor units). Text in and out, never a binary fraction.
package enum FixedPoint {
    /// `-12.345` at scale 3 is -12345; nil unless the text is an optional minus, 1 to 15 digits
    /// and at most `scale` decimals after a point.
    package static func parse(_ text: String, scale: Int) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let match = trimmed.wholeMatch(of: /(-?)([0-9]{1,15})(?:\.([0-9]+))?/) else { return nil }
        let fraction = match.3.map(String.init) ?? ""
        guard fraction.count <= scale, let whole = Int64(match.2) else { return nil }
        let decimals = Int64(fraction + String(repeating: "0", count: scale - fraction.count)) ?? 0
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: Money.power(scale))
        guard !overflow, scaled <= Int64.max - decimals else { return nil }
        return match.1.isEmpty ? scaled + decimals : -(scaled + decimals)
    }

    /// `value` at `scale` as text with exactly `scale` decimals.
    package static func text(_ value: Int64, scale: Int) -> String {
        let magnitude = value.magnitude
        let unit = UInt64(Money.power(scale))
        let whole = String(magnitude / unit)
        let sign = value < 0 ? "-" : ""
        guard scale > 0 else { return sign + whole }
        let fraction = String(magnitude % unit)
        return sign + whole + "." + String(repeating: "0", count: scale - fraction.count) + fraction
    }

    /// `value` at `scale` with trailing zero decimals dropped (`1.5` rather than `1.500`).
    package static func shortText(_ value: Int64, scale: Int) -> String {
        var text = self.text(value, scale: scale)
        guard scale > 0 else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
