import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reproduction
import Results

/// A saved report read for a period: its totals beside the previous period's and its table, as CSV
/// for a spreadsheet and as a self-contained HTML file (`reports/report-document.mustache`).
package struct ReportDocument: Encodable, Sendable {
    package struct Figure: Encodable, Sendable {
        let label: String
        let value: String
        let previous: String
        let change: String
    }
    package struct Row: Encodable, Sendable {
        let cells: [String]
    }
    package let title: String
    package let from: String
    package let to: String
    package let previousFrom: String
    package let previousTo: String
    package let summary: [Figure]
    package let columns: [String]
    package let rows: [Row]

    /// `saved` read over its preset as of `today`.
    package static func read(_ db: Database, _ saved: SavedReport, today: String, time: LabTime) throws
        -> ReportDocument
    {
        let range = saved.preset.range(today: today)
        let summary: [String: Compared]
        let columns: [String]
        let rows: [[String]]
        func count(_ value: Int) -> String { String(value) }
        switch saved.report {
        case .reproduction:
            let grouping = ReproductionStats.Grouping(rawValue: saved.grouping) ?? .donor
            let report = try ReproductionStats.report(db, by: grouping, range: range)
            summary = report.summary
            columns = [
                grouping.label, "Rank", "OPU sessions", "Oocytes", "Inseminated", "Cleaved", "Blastocysts",
                "Transferred", "Diagnosed", "Pregnant", "Cleavage %", "Blastocyst %", "Pregnancy %",
            ]
            rows = report.items.map { row in
                let counts: [Int] = [
                    row.opuSessions, row.oocytes, row.inseminated, row.cleaved, row.blastocysts, row.transfers,
                    row.diagnosed, row.pregnant,
                ]
                let rates: [String] = [row.cleavage, row.blastocyst, row.pregnancy].map {
                    $0.percent.map(TimeChart.number) ?? ""
                }
                return [row.key, row.rank.map(String.init) ?? ""] + counts.map(count) + rates
            }
        case .results:
            let report = try ResultsStats.report(db, range: range, time: time)
            summary = report.summary
            columns = ["Month", "Received", "Verified", "Median turnaround (h)"]
            rows = report.months.map {
                [
                    $0.month, count($0.received), count($0.verified),
                    $0.medianTurnaroundHours.map(TimeChart.number) ?? "",
                ]
            }
        case .inventory:
            let grouping = Inventory.Grouping(rawValue: saved.grouping) ?? .tank
            summary = try Inventory.flows(db, range: range, time: time).summary
            columns = [grouping.rawValue.capitalized, "Items on hand", "Doses on hand"]
            rows = try Inventory.rows(db, by: grouping).map { [$0.name, count($0.items), count($0.doses)] }
        }
        return ReportDocument(
            title: saved.name, from: range.from, to: range.to, previousFrom: range.previous.from,
            previousTo: range.previous.to,
            summary: summary.keys.sorted().map { key in
                let figure = summary[key] ?? Compared(nil, nil)
                return Figure(
                    label: key.replacingOccurrences(of: "_", with: " "),
                    value: figure.value.map(TimeChart.number) ?? "",
                    previous: figure.previous.map(TimeChart.number) ?? "", change: figure.changeText())
            },
            columns: columns, rows: rows.map(Row.init))
    }

    /// The totals, a blank line, then the table: one file a spreadsheet opens.
    package var csv: String {
        CSVResponse.line(["figure", "\(from) to \(to)", "\(previousFrom) to \(previousTo)", "change"])
            + summary.map { CSVResponse.line([$0.label, $0.value, $0.previous, $0.change]) }.joined() + "\r\n"
            + CSVResponse.line(columns) + rows.map { CSVResponse.line($0.cells) }.joined()
    }

    /// A file name from the title: letters, digits and dashes.
    package var filename: String {
        let stem = title.lowercased().unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) ? Character($0) : "-"
        }
        return String(String(stem).split(separator: "-").joined(separator: "-").prefix(60)) + "-\(to)"
    }
}
