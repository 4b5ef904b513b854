import Foundation

/// The range form every report page shows (`report-range.mustache`): from and to, the presets as
/// links, and the page's other parameters kept as hidden fields so a new range keeps the grouping.
package struct RangeForm: Encodable {
    package struct Link: Encodable {
        let label: String
        let href: String
        let current: Bool
    }
    package struct Hidden: Encodable {
        let name: String
        let value: String
    }
    let action: String
    let from: String
    let to: String
    let previousFrom: String
    let previousTo: String
    let presets: [Link]
    let hidden: [Hidden]

    /// The form for `range` on the page at `action`; `keep` are the page's other parameters.
    package init(action: String, range: ReportRange, today: String, keep: [(name: String, value: String)] = []) {
        let kept = keep.map {
            "&\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        .joined()
        presets = ReportRange.Preset.allCases.map {
            Link(
                label: $0.label, href: "\(action)?range=\($0.rawValue)\(kept)", current: $0.range(today: today) == range
            )
        }
        hidden = keep.map { Hidden(name: $0.name, value: $0.value) }
        (self.action, from, to) = (action, range.from, range.to)
        (previousFrom, previousTo) = (range.previous.from, range.previous.to)
    }
}
