/// The arithmetic of EN 16931 on integer minor units (docs/BILLING.md, `billing.md` of the domain
/// notes): a line's net amount is rounded before anything uses it; lines are grouped by VAT
/// category and rate; VAT is computed per group (or, by setting, per line and summed); the
/// totals are exact sums of rounded amounts.
package enum InvoiceArithmetic {
    /// Where VAT is rounded (`billing.vat_rounding`).
    package enum Rounding: String, Sendable, Codable, CaseIterable {
        /// Per line, then summed per group: what a till does.
        case line
        /// Once per VAT group (BT-117 = BT-116 × rate): what EN 16931 computes.
        case rate
    }

    /// What a line contributes: its quantity, unit price and VAT.
    package struct Line: Sendable, Hashable {
        package var quantity: Quantity
        package var unitPrice: UnitPrice
        package var category: VATCategory
        package var rate: VATRate

        package init(quantity: Quantity, unitPrice: UnitPrice, category: VATCategory, rate: VATRate) {
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.category = category
            self.rate = rate
        }
    }

    /// One row of the VAT breakdown (BG-23): BT-118 category, BT-119 rate, BT-116 taxable
    /// amount, BT-117 VAT amount.
    package struct Group: Sendable, Hashable, Codable {
        package var category: VATCategory
        package var rate: VATRate
        package var taxable: Money
        package var vat: Money

        package init(category: VATCategory, rate: VATRate, taxable: Money, vat: Money) {
            (self.category, self.rate, self.taxable, self.vat) = (category, rate, taxable, vat)
        }
    }

    package struct Totals: Sendable, Hashable {
        /// BT-131 of each line, in the order given.
        package var lineNets: [Money]
        /// Ordered by category, then rate.
        package var groups: [Group]
        /// BT-106 = BT-109 (no document-level allowances or charges).
        package var net: Money
        /// BT-110.
        package var vat: Money
        /// BT-112.
        package var gross: Money
    }

    /// The largest amount a line or document may reach: far beyond any lab's invoice, far below
    /// where an `Int64` overflows.
    package static let maximumMinor: Int64 = 100_000_000_000_000

    /// BT-131: quantity × unit price, rounded (half away from zero) to the currency's rounding
    /// step; nil when beyond ``maximumMinor``.
    package static func lineNet(_ quantity: Quantity, _ price: UnitPrice, _ currency: Currency) -> Money? {
        // quantity (10^-3) × price (10^-4) is the amount in 10^-7 of the major unit.
        let exact = Int128(quantity.milli) * Int128(price.e4)
        let steps = Money.divideRounded(
            exact, Int128(Money.power(Quantity.scale + UnitPrice.scale - currency.roundingDecimals)))
        let minor = steps * Int128(currency.step)
        guard minor.magnitude <= UInt128(maximumMinor) else { return nil }
        return Money(minor: Int64(minor))
    }

    /// `amount` × `rate`, rounded to the currency's rounding step.
    package static func vat(on amount: Money, _ rate: VATRate, _ currency: Currency) -> Money {
        let steps = Money.divideRounded(
            Int128(amount.minor) * Int128(rate.basisPoints), 10_000 * Int128(currency.step))
        return Money(minor: Int64(steps * Int128(currency.step)))
    }

    /// The document's totals; nil when a line or a total is beyond ``maximumMinor``. Sums are
    /// formed in `Int128`, so no number of lines can overflow them.
    package static func totals(_ lines: [Line], currency: Currency, rounding: Rounding) -> Totals? {
        var nets: [Money] = []
        var taxable: [GroupKey: Int128] = [:]
        var lineVAT: [GroupKey: Int128] = [:]
        for line in lines {
            guard let net = lineNet(line.quantity, line.unitPrice, currency) else { return nil }
            nets.append(net)
            let key = GroupKey(category: line.category, rate: line.rate)
            taxable[key, default: 0] += Int128(net.minor)
            lineVAT[key, default: 0] += Int128(Self.vat(on: net, line.rate, currency).minor)
        }
        let limit = Int128(maximumMinor)
        guard taxable.values.allSatisfy({ $0.magnitude <= limit.magnitude }),
            lineVAT.values.allSatisfy({ $0.magnitude <= limit.magnitude })
        else { return nil }
        let groups = taxable.keys.sorted().map { key in
            let amount = Money(minor: Int64(taxable[key] ?? 0))
            return Group(
                category: key.category, rate: key.rate, taxable: amount,
                vat: rounding == .rate
                    ? Self.vat(on: amount, key.rate, currency) : Money(minor: Int64(lineVAT[key] ?? 0)))
        }
        let net = groups.reduce(Int128(0)) { $0 + Int128($1.taxable.minor) }
        let vatTotal = groups.reduce(Int128(0)) { $0 + Int128($1.vat.minor) }
        guard (net + vatTotal).magnitude <= limit.magnitude, net.magnitude <= limit.magnitude else { return nil }
        let (netMoney, vatMoney) = (Money(minor: Int64(net)), Money(minor: Int64(vatTotal)))
        return Totals(lineNets: nets, groups: groups, net: netMoney, vat: vatMoney, gross: netMoney + vatMoney)
    }

    private struct GroupKey: Hashable, Comparable {
        let category: VATCategory
        let rate: VATRate

        static func < (lhs: GroupKey, rhs: GroupKey) -> Bool {
            (lhs.category.rawValue, lhs.rate.basisPoints) < (rhs.category.rawValue, rhs.rate.basisPoints)
        }
    }
}
