import Foundation

/// Figures by month drawn as SVG on the server (`time-chart.mustache`): columns for counts, lines
/// for rates and durations. Like ``BarChart`` it needs no script and no inline style. Series differ
/// by dash and marker shape as well as colour, so the chart reads in grey print; the numbers are
/// also in a table a screen reader reads (visually hidden), and the SVG has a title and description.
package struct TimeChart: Encodable {
    package enum Style: Sendable { case columns, lines }

    /// A series: its name and one value per month (nil where there is nothing to show).
    package struct Series: Sendable {
        let name: String
        let values: [Double?]

        package init(_ name: String, _ values: [Double?]) { (self.name, self.values) = (name, values) }
    }

    struct Legend: Encodable {
        let name: String
        let `class`: String
        let marker: String
    }
    struct Mark: Encodable {
        let `class`: String
        let path: String
        let x: Int
        let y: Int
        let width: Int
        let height: Int
        let label: String
    }
    struct Line: Encodable {
        let `class`: String
        let points: String
    }
    struct Tick: Encodable {
        let y: Int
        let text: String
    }
    struct Label: Encodable {
        let x: Int
        let text: String
    }
    struct Row: Encodable {
        let month: String
        let cells: [String]
    }

    let title: String
    let description: String
    let id: String
    let width: Int
    let height: Int
    let plotLeft: Int
    let plotRight: Int
    let baseline: Int
    let legend: [Legend]
    let ticks: [Tick]
    let labels: [Label]
    let columns: [Mark]
    let lines: [Line]
    let markers: [Mark]
    let headers: [String]
    let rows: [Row]

    private static let classes = ["series-a", "series-b", "series-c"]

    /// The chart of `series` over `months` (`YYYY-MM`), nil without months or series. `unit`
    /// follows every number (` %`, ` h`); `maximum` fixes the scale (100 for rates), else it is
    /// the largest value rounded up. `id` makes the title and description referable on a page
    /// with several charts.
    package init?(
        id: String, title: String, description: String, months: [String], series: [Series], style: Style,
        unit: String = "", maximum: Double? = nil
    ) {
        let series = Array(series.prefix(Self.classes.count))
        guard !months.isEmpty, !series.isEmpty else { return nil }
        let (plotLeft, plotWidth, top, plotHeight) = (44, 580, 10, 160)
        let largest = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        let scale = maximum ?? Self.rounded(max(largest, 1))
        let slot = Double(plotWidth) / Double(months.count)
        func y(_ value: Double) -> Int {
            top + plotHeight - Int((min(value, scale) / scale * Double(plotHeight)).rounded())
        }
        func x(_ index: Int) -> Int { plotLeft + Int((slot * (Double(index) + 0.5)).rounded()) }
        func text(_ value: Double?) -> String { value.map { Self.number($0) + unit } ?? "—" }
        var columns: [Mark] = []
        var lines: [Line] = []
        var markers: [Mark] = []
        for (number, item) in series.enumerated() {
            let css = Self.classes[number]
            switch style {
            case .columns:
                let width = max(1, Int(slot * 0.7) / series.count)
                for (index, value) in item.values.prefix(months.count).enumerated() {
                    guard let value else { continue }
                    let left = plotLeft + Int(slot * Double(index) + slot * 0.15) + number * width
                    columns.append(
                        Mark(
                            class: css, path: "", x: left, y: y(value), width: width, height: max(0, y(0) - y(value)),
                            label: "\(item.name), \(months[index]): \(text(value))"))
                }
            case .lines:
                var run: [String] = []
                for (index, value) in item.values.prefix(months.count).enumerated() {
                    guard let value else {
                        if run.count > 1 { lines.append(Line(class: css, points: run.joined(separator: " "))) }
                        run = []
                        continue
                    }
                    run.append("\(x(index)),\(y(value))")
                    markers.append(
                        Mark(
                            class: css, path: Self.marker(number, x: x(index), y: y(value)), x: x(index), y: y(value),
                            width: 0, height: 0, label: "\(item.name), \(months[index]): \(text(value))"))
                }
                if run.count > 1 { lines.append(Line(class: css, points: run.joined(separator: " "))) }
            }
        }
        let every = max(1, (months.count + 11) / 12)
        self.labels = months.enumerated().compactMap { index, month in
            index % every == 0 ? Label(x: x(index), text: Self.monthLabel(month)) : nil
        }
        self.ticks = [0, scale / 2, scale].map { Tick(y: y($0), text: Self.number($0) + unit) }
        self.legend = series.enumerated().map { number, item in
            Legend(
                name: item.name, class: Self.classes[number],
                marker: style == .lines ? Self.marker(number, x: 12, y: 6) : "M4 1h16v10H4Z")
        }
        (self.id, self.title, self.description) = (id, title, description)
        (self.columns, self.lines, self.markers) = (columns, lines, markers)
        (self.plotLeft, self.plotRight, self.baseline) = (plotLeft, plotLeft + plotWidth, y(0))
        (width, height) = (plotLeft + plotWidth + 12, top + plotHeight + 28)
        headers = series.map(\.name)
        rows = months.enumerated().map { index, month in
            Row(month: month, cells: series.map { text($0.values.indices.contains(index) ? $0.values[index] : nil) })
        }
    }

    /// A marker shape per series: circle, square, triangle; drawn as a path so one element fits all.
    private static func marker(_ number: Int, x: Int, y: Int) -> String {
        switch number {
        case 0: "M\(x - 4) \(y)a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z"
        case 1: "M\(x - 4) \(y - 4)h8v8h-8Z"
        default: "M\(x) \(y - 5)l5 9h-10Z"
        }
    }

    /// `Jan 26` of `2026-01`.
    static func monthLabel(_ month: String) -> String {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let number = Int(month.dropFirst(5).prefix(2)), (1...12).contains(number) else { return month }
        return "\(names[number - 1]) \(month.dropFirst(2).prefix(2))"
    }

    /// At most one decimal, none for a whole number.
    package static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// 1, 2 or 5 times a power of ten, at least `value`: a scale whose half is a round number.
    static func rounded(_ value: Double) -> Double {
        let power = pow(10, floor(log10(value)))
        return [1, 2, 5, 10].map { $0 * power }.first { $0 >= value } ?? value
    }
}
