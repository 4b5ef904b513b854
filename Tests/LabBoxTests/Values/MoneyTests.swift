import Foundation
import LabBoxPlatform
import LabBoxValues
import Testing

/// Money as integer minor units and the EN 16931 arithmetic, checked against `Decimal` over many
/// generated invoices (a seeded generator: a failure names its seed and replays).
@Suite struct MoneyTests {
    /// SplitMix64: small, seedable, the same on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let currencies = [Currency("EUR")!, Currency("JPY")!, Currency("KWD")!]
    static let rates: [(VATCategory, VATRate)] = [
        (.standard, VATRate("19")!), (.standard, VATRate("7")!), (.standard, VATRate("7.7")!),
        (.standard, VATRate("20")!), (.zeroRated, VATRate("0")!), (.exempt, VATRate("0")!),
    ]

    static func lines(_ generator: inout Generator, negative: Bool = false) -> [InvoiceArithmetic.Line] {
        (0..<Int.random(in: 1...25, using: &generator)).map { _ in
            let (category, rate) = rates.randomElement(using: &generator)!
            // Whole units mostly, fractions of hours and millilitres sometimes.
            let milli =
                Bool.random(using: &generator)
                ? Int64.random(in: 1...40, using: &generator) * 1000 : Int64.random(in: 1...99_999, using: &generator)
            return InvoiceArithmetic.Line(
                quantity: Quantity(milli: negative ? -milli : milli),
                unitPrice: UnitPrice(e4: Int64.random(in: 0...25_000_000, using: &generator)), category: category,
                rate: rate)
        }
    }

    /// `value` (in 10^-scale) rounded half away from zero to `decimals`, in 10^-digits minor units.
    static func reference(_ value: Decimal, decimals: Int, digits: Int) -> Int64 {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, decimals, .plain)
        return NSDecimalNumber(decimal: rounded * pow(10, digits)).int64Value
    }

    @Test func currenciesTakeTheirDigitsFromISO4217() throws {
        #expect(Currency("eur")?.digits == 2)
        #expect(Currency("JPY")?.digits == 0)
        #expect(Currency("KWD")?.digits == 3)
        #expect(Currency("XXX") == nil)
        #expect(Currency("EURO") == nil)
        let kwd = try #require(Currency("KWD"))
        #expect(kwd.step == 10)
        #expect(kwd.text(1_234_560) == "1234.560")
        #expect(Currency.euro.text(-5) == "-0.05")
        #expect(Currency("JPY")?.text(1500) == "1500")
    }

    @Test func decimalTextIsParsedExactlyOrRefused() {
        #expect(FixedPoint.parse("12.5", scale: 2) == 1250)
        #expect(FixedPoint.parse("-0.125", scale: 4) == -1250)
        #expect(FixedPoint.parse("7", scale: 0) == 7)
        for bad in ["", "1e3", "1,5", "--1", "1.", ".5", "0.12345", "12 EUR", "9999999999999999"] {
            #expect(FixedPoint.parse(bad, scale: 4) == nil, "\(bad)")
        }
        #expect(VATRate("7.7")?.basisPoints == 770)
        #expect(VATRate("100.01") == nil)
        #expect(UnitPrice("0.125")?.text(.euro) == "0.125")
        #expect(UnitPrice("12.5")?.text(.euro) == "12.50")
        #expect(Quantity("2.500")?.text == "2.5")
        #expect(VATCategory.standard.allows(VATRate("0")!) == false)
        #expect(VATCategory.exempt.allows(VATRate("19")!) == false)
    }

    @Test(arguments: 0..<300) func lineNetsAreRoundedOnceToTwoDecimals(seed: UInt64) throws {
        var generator = Generator(state: seed)
        for currency in Self.currencies {
            for line in Self.lines(&generator) + Self.lines(&generator, negative: true) {
                let net = try #require(InvoiceArithmetic.lineNet(line.quantity, line.unitPrice, currency))
                let exact = Decimal(line.quantity.milli) / 1000 * Decimal(line.unitPrice.e4) / 10_000
                #expect(
                    net.minor
                        == Self.reference(exact, decimals: currency.roundingDecimals, digits: currency.digits),
                    "seed \(seed) \(currency.code)")
            }
        }
    }

    @Test(arguments: 0..<300) func totalsAreExactSumsOfRoundedAmounts(seed: UInt64) throws {
        var generator = Generator(state: seed)
        for currency in Self.currencies {
            for rounding in InvoiceArithmetic.Rounding.allCases {
                let lines = Self.lines(&generator)
                let totals = try #require(InvoiceArithmetic.totals(lines, currency: currency, rounding: rounding))
                #expect(totals.net == totals.lineNets.reduce(.zero, +), "seed \(seed)")
                #expect(totals.net == totals.groups.map(\.taxable).reduce(.zero, +), "seed \(seed)")
                #expect(totals.vat == totals.groups.map(\.vat).reduce(.zero, +), "seed \(seed)")
                #expect(totals.gross == totals.net + totals.vat, "seed \(seed)")
                for amount in totals.lineNets + totals.groups.map(\.vat) {
                    #expect(amount.minor % currency.step == 0, "seed \(seed): more than 2 decimals")
                }
                for group in totals.groups {
                    let members = zip(lines, totals.lineNets).filter {
                        $0.0.category == group.category && $0.0.rate == group.rate
                    }
                    #expect(group.taxable == members.map(\.1).reduce(.zero, +), "seed \(seed)")
                    #expect(group.category.allows(group.rate))
                    let exact =
                        Decimal(group.taxable.minor) / pow(10, currency.digits) * Decimal(group.rate.basisPoints)
                        / 10_000
                    let perRate = Self.reference(exact, decimals: currency.roundingDecimals, digits: currency.digits)
                    if rounding == .rate {
                        #expect(group.vat.minor == perRate, "seed \(seed)")
                    } else {
                        // Each line's VAT is off by at most half a step from the exact amount.
                        #expect(
                            abs(group.vat.minor - perRate) <= Int64(members.count) * currency.step, "seed \(seed)")
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<200) func aCreditNoteOfEveryLineNetsTheInvoiceToZero(seed: UInt64) throws {
        var generator = Generator(state: seed)
        for currency in Self.currencies {
            for rounding in InvoiceArithmetic.Rounding.allCases {
                let lines = Self.lines(&generator)
                let credit = lines.map { line in
                    var line = line
                    line.quantity = line.quantity.negated
                    return line
                }
                let invoice = try #require(InvoiceArithmetic.totals(lines, currency: currency, rounding: rounding))
                let note = try #require(InvoiceArithmetic.totals(credit, currency: currency, rounding: rounding))
                #expect(invoice.net + note.net == .zero, "seed \(seed)")
                #expect(invoice.vat + note.vat == .zero, "seed \(seed)")
                #expect(invoice.gross + note.gross == .zero, "seed \(seed)")
                #expect(zip(invoice.groups, note.groups).allSatisfy { $0.vat == -$1.vat && $0.taxable == -$1.taxable })
            }
        }
    }

    @Test func hugeLinesAreRefusedRatherThanOverflowing() {
        let line = InvoiceArithmetic.Line(
            quantity: Quantity(milli: 999_999_999_999_999), unitPrice: UnitPrice(e4: 999_999_999_999_999),
            category: .standard, rate: VATRate("19")!)
        #expect(InvoiceArithmetic.totals([line], currency: .euro, rounding: .rate) == nil)
    }

    @Test func currencyAndRoundingAreSettings() throws {
        var config = AppConfig()
        try ConfigKey.lookup("billing.currency")?.apply(&config, "jpy")
        #expect(config.billing.currency.digits == 0)
        #expect(throws: ConfigError.self) { try ConfigKey.lookup("billing.currency")?.apply(&config, "XYZ") }
        try ConfigKey.lookup("billing.vat_rounding")?.apply(&config, "line")
        #expect(config.billing.rounding == .line)
    }
}
