import LabBoxValues

/// A figure in a report's range beside the same figure in the previous period of the same length:
/// `change` is the difference (percentage points for a rate), nil when either side has none.
package struct Compared: Encodable, Sendable, Equatable {
    package let value: Double?
    package let previous: Double?

    package var change: Double? {
        guard let value, let previous else { return nil }
        return ((value - previous) * 10).rounded() / 10
    }

    package init(_ value: Double?, _ previous: Double?) { (self.value, self.previous) = (value, previous) }

    package init(_ value: Int, _ previous: Int) { self.init(Double(value), Double(previous)) }

    private enum CodingKeys: String, CodingKey { case value, previous, change }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encode(previous, forKey: .previous)
        try container.encode(change, forKey: .change)
    }

    /// `+3`, `−2.5`, `±0`, or `—`: the change as a page shows it, `unit` after the number.
    package func changeText(unit: String = "") -> String {
        guard let change else { return "—" }
        let number = change == change.rounded() ? String(Int(change)) : String(change)
        if change > 0 { return "+\(number)\(unit)" }
        if change < 0 { return "−\(number.dropFirst())\(unit)" }
        return "±0\(unit)"
    }
}
