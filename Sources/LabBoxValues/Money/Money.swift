/// An amount in the lab's currency, as an integer of its minor unit (cents for EUR). Money is
/// never a `Double`: sums are exact, and rounding happens only where EN 16931 says
/// (``InvoiceArithmetic``).
package struct Money: Sendable, Hashable, Comparable, Codable, AdditiveArithmetic {
    package var minor: Int64

    package init(minor: Int64) { self.minor = minor }

    package static let zero = Money(minor: 0)
    package static func + (lhs: Money, rhs: Money) -> Money { Money(minor: lhs.minor + rhs.minor) }
    package static func - (lhs: Money, rhs: Money) -> Money { Money(minor: lhs.minor - rhs.minor) }
    package static prefix func - (value: Money) -> Money { Money(minor: -value.minor) }
    package static func < (lhs: Money, rhs: Money) -> Bool { lhs.minor < rhs.minor }

    package init(from decoder: Decoder) throws { minor = try decoder.singleValueContainer().decode(Int64.self) }
    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(minor)
    }

    /// 10^exponent, for the scales money uses (0 to 18).
    package static func power(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<max(exponent, 0) { result *= 10 }
        return result
    }

    /// `numerator / denominator` rounded half away from zero, so that a negated amount (a credit
    /// note's line) rounds to exactly the negated result.
    package static func divideRounded(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient + 1
    }
}

/// How much was done: up to 3 decimals (hours, millilitres), stored as thousandths.
package struct Quantity: Sendable, Hashable, Codable {
    package static let scale = 3
    package var milli: Int64

    package init(milli: Int64) { self.milli = milli }
    package init(_ whole: Int64) { self.milli = whole * 1000 }
    package init?(_ text: String) {
        guard let value = FixedPoint.parse(text, scale: Self.scale) else { return nil }
        milli = value
    }

    package var text: String { FixedPoint.shortText(milli, scale: Self.scale) }
    package var negated: Quantity { Quantity(milli: -milli) }
}

/// A net price per unit: up to 4 decimals of the major unit (0.125 per straw-day), stored as
/// ten-thousandths.
package struct UnitPrice: Sendable, Hashable, Codable {
    package static let scale = 4
    package var e4: Int64

    package init(e4: Int64) { self.e4 = e4 }
    package init?(_ text: String) {
        guard let value = FixedPoint.parse(text, scale: Self.scale) else { return nil }
        e4 = value
    }

    /// At least the currency's digits, more only when the price has them (`12.50`, `0.125`).
    package func text(_ currency: Currency) -> String {
        let drop = Money.power(Self.scale - currency.digits)
        guard currency.digits <= Self.scale, e4 % drop == 0 else { return FixedPoint.shortText(e4, scale: Self.scale) }
        return FixedPoint.text(e4 / drop, scale: currency.digits)
    }
}
