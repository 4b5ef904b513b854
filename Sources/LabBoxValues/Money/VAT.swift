/// A VAT category of UNTDID 5305, as EN 16931 groups lines by it (BG-23).
package enum VATCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// Standard rate.
    case standard = "S"
    case zeroRated = "Z"
    /// Exempt: the invoice must say why.
    case exempt = "E"
    /// Reverse charge: the buyer's VAT id is required.
    case reverseCharge = "AE"
    case intraCommunity = "K"
    case export = "G"
    case outOfScope = "O"

    /// Only the standard category carries a rate above zero; every other one carries 0 %.
    package func allows(_ rate: VATRate) -> Bool {
        self == .standard ? rate.basisPoints > 0 : rate.basisPoints == 0
    }

    package var label: String {
        switch self {
        case .standard: "standard rate"
        case .zeroRated: "zero rated"
        case .exempt: "exempt"
        case .reverseCharge: "reverse charge"
        case .intraCommunity: "intra-community supply"
        case .export: "export outside the EU"
        case .outOfScope: "outside the scope of VAT"
        }
    }
}

/// A VAT rate in basis points (19 % is 1900, 7.7 % is 770): exact, and up to 2 decimals as rates
/// are published.
package struct VATRate: Sendable, Hashable, Comparable, Codable {
    package let basisPoints: Int64

    package init?(basisPoints: Int64) {
        guard (0...10_000).contains(basisPoints) else { return nil }
        self.basisPoints = basisPoints
    }

    /// `19`, `7.7`, `5.50` (per cent); nil unless 0 to 100 with at most 2 decimals.
    package init?(_ text: String) {
        guard let value = FixedPoint.parse(text, scale: 2) else { return nil }
        self.init(basisPoints: value)
    }

    /// Per cent without trailing zeros: `19`, `7.7`.
    package var text: String { FixedPoint.shortText(basisPoints, scale: 2) }

    package static func < (lhs: VATRate, rhs: VATRate) -> Bool { lhs.basisPoints < rhs.basisPoints }
}
