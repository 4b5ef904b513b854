import Foundation

/// A horizontal bar chart drawn as SVG on the server (`bar-chart.mustache`): no script, and the
/// CSP forbids inline styles, so sizes are attributes and colours CSS classes (`bar-a`, `bar-b`,
/// `bar-c`). The same markup prints: text and bars are vector, in the page's own colours.
package struct BarChart: Encodable {
    /// A series: its CSS class and its name in the legend.
    package struct Series: Encodable, Sendable {
        let `class`: String
        let name: String

        package init(class name: String, _ title: String) {
            (self.class, self.name) = (name, title)
        }
    }

    /// One bar's length in thousandths of the full width (0…1000, longer is cut) and its label.
    package struct Value: Sendable {
        let permille: Int
        let text: String

        package init(permille: Int, text: String) {
            (self.permille, self.text) = (min(max(permille, 0), 1000), text)
        }
    }

    /// One row's label and its bars, one per series.
    struct Group: Encodable {
        let label: String
        let labelY: Int
        let bars: [Bar]
    }
    struct Bar: Encodable {
        let `class`: String
        let x: Int
        let y: Int
        let height: Int
        let width: Int
        let valueX: Int
        let valueY: Int
        let text: String
    }
    let title: String
    let legend: [Series]
    let width: Int
    let height: Int
    let groups: [Group]
    let axisX: Int

    /// The chart of `rows` (a label and one value per series), nil when there are none. `title`
    /// is what a screen reader announces.
    package init?(title: String, series: [Series], rows: [(label: String, values: [Value])]) {
        guard !rows.isEmpty, !series.isEmpty else { return nil }
        let barHeight = 10
        let rowHeight = series.count * (barHeight + 1) + 9
        let labelWidth = 170
        let plotWidth = 420
        groups = rows.enumerated().map { index, row in
            let top = index * rowHeight + 6
            return Group(
                label: String(row.label.prefix(24)), labelY: top + (series.count * (barHeight + 1)) / 2 + 4,
                bars: zip(series, row.values).enumerated().map { offset, item in
                    let length = item.1.permille * plotWidth / 1000
                    return Bar(
                        class: item.0.class, x: labelWidth, y: top + offset * (barHeight + 1), height: barHeight,
                        width: max(1, length), valueX: labelWidth + length + 4,
                        valueY: top + offset * (barHeight + 1) + 9, text: item.1.text)
                })
        }
        (self.title, legend) = (title, series)
        width = labelWidth + plotWidth + 90
        height = rows.count * rowHeight + 10
        axisX = labelWidth
    }
}
