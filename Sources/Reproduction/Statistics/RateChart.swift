import Foundation

/// A grouped bar chart of cleavage, blastocyst and pregnancy rates, drawn as SVG on the server
/// (no script, and the CSP forbids inline styles: sizes are attributes, colours CSS classes).
package struct RateChart {
    package let rows: [ReproductionStats.Row]

    package var values: [String: Any]? {
        guard !rows.isEmpty else { return nil }
        let rowHeight = 42
        let labelWidth = 170
        let plotWidth = 420
        let bars = rows.enumerated().map { index, row -> [String: Any] in
            let top = index * rowHeight + 6
            let series: [(String, Rate)] = [
                ("bar-a", row.cleavage), ("bar-b", row.blastocyst), ("bar-c", row.pregnancy),
            ]
            return [
                "label": String(row.key.prefix(24)), "label_y": top + 20,
                "bars": series.enumerated().map { offset, item -> [String: Any] in
                    let percent = item.1.percent ?? 0
                    return [
                        "class": item.0, "x": labelWidth, "y": top + offset * 11, "height": 10,
                        "width": max(1, Int(percent / 100 * Double(plotWidth))),
                        "value_x": labelWidth + Int(percent / 100 * Double(plotWidth)) + 4,
                        "value_y": top + offset * 11 + 9,
                        "text": item.1.text,
                    ]
                },
            ]
        }
        return [
            "width": labelWidth + plotWidth + 60, "height": rows.count * rowHeight + 10, "groups": bars,
            "axis_x": labelWidth,
        ]
    }
}
