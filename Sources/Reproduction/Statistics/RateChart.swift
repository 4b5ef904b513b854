import Foundation

/// A grouped bar chart of cleavage, blastocyst and pregnancy rates, drawn as SVG on the server
/// (no script, and the CSP forbids inline styles: sizes are attributes, colours CSS classes).
package struct RateChart: Encodable {
    /// One row's label and its three bars.
    struct Group: Encodable {
        let label: String
        let labelY: Int
        let bars: [Bar]
    }
    struct Bar: Encodable {
        /// The CSS class that colours the bar.
        let `class`: String
        let x: Int
        let y: Int
        let height: Int
        let width: Int
        let valueX: Int
        let valueY: Int
        let text: String
    }
    let width: Int
    let height: Int
    let groups: [Group]
    let axisX: Int

    /// The chart of `rows`, nil when there are none.
    package init?(rows: [ReproductionStats.Row]) {
        guard !rows.isEmpty else { return nil }
        let rowHeight = 42
        let labelWidth = 170
        let plotWidth = 420
        groups = rows.enumerated().map { index, row in
            let top = index * rowHeight + 6
            let series: [(String, Rate)] = [
                ("bar-a", row.cleavage), ("bar-b", row.blastocyst), ("bar-c", row.pregnancy),
            ]
            return Group(
                label: String(row.key.prefix(24)), labelY: top + 20,
                bars: series.enumerated().map { offset, item in
                    let percent = item.1.percent ?? 0
                    return Bar(
                        class: item.0, x: labelWidth, y: top + offset * 11, height: 10,
                        width: max(1, Int(percent / 100 * Double(plotWidth))),
                        valueX: labelWidth + Int(percent / 100 * Double(plotWidth)) + 4,
                        valueY: top + offset * 11 + 9, text: item.1.text)
                })
        }
        width = labelWidth + plotWidth + 60
        height = rows.count * rowHeight + 10
        axisX = labelWidth
    }
}
