import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/results/stats` and `/api/v1/results/stats`: tests per month, turnaround and the most requested
/// tests over a range of days, compared with the previous period.
package struct ResultsStatsController {
    package let database: AppDatabase
    package let pages: PageRenderer

    private var time: LabTime { pages.time }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/results/stats", .resultsRead, .resultsStatistics) { request, _ in
            try await report(ReportRange(ListQuery(request), today: time.today, default: .last12Months))
        }
        routes.get("/results/stats", .resultsRead) { request, context in
            let today = time.today
            let range = try ReportRange(ListQuery(request), today: today, default: .last12Months)
            let report = try await report(range)
            let months = report.months.map(\.month)
            func figure(_ key: String, _ label: String, unit: String = "") -> StatsPage.Figure {
                let figure = report.summary[key] ?? Compared(nil, nil)
                return StatsPage.Figure(
                    label: label, value: figure.value.map { TimeChart.number($0) + unit } ?? "—",
                    previous: figure.previous.map { TimeChart.number($0) + unit } ?? "—",
                    change: figure.changeText(unit: unit))
            }
            return pages.page(
                "results/results-stats", title: "Results statistics", section: "results", request: request,
                context: context,
                model: StatsPage(
                    range: RangeForm(action: "/results/stats", range: range, today: today),
                    summary: [
                        figure("orders", "Lab orders"), figure("received", "Tests received"),
                        figure("verified", "Tests verified"),
                        figure("median_turnaround_hours", "Median turnaround", unit: " h"),
                    ],
                    charts: [
                        TimeChart(
                            id: "chart-tests", title: "Tests by month",
                            description: "Tests received (registered on an order) and verified, per month.",
                            months: months,
                            series: [
                                .init("Received", report.months.map { Double($0.received) }),
                                .init("Verified", report.months.map { Double($0.verified) }),
                            ], style: .columns),
                        TimeChart(
                            id: "chart-turnaround", title: "Median turnaround by month (hours)",
                            description:
                                "Hours from receipt to verification, the median of the tests verified in each month.",
                            months: months,
                            series: [.init("Median turnaround", report.months.map(\.medianTurnaroundHours))],
                            style: .lines, unit: " h"),
                    ].compactMap { $0 },
                    tests: report.tests, empty: report.tests.isEmpty))
        }
    }

    private func report(_ range: ReportRange) async throws -> ResultsStats.Report {
        try await database.read { [time] in try ResultsStats.report($0, range: range, time: time) }
    }

    /// `results-stats.mustache`.
    struct StatsPage: Encodable {
        struct Figure: Encodable {
            let label: String
            let value: String
            let previous: String
            let change: String
        }
        let range: RangeForm
        let summary: [Figure]
        let charts: [TimeChart]
        let tests: [ResultsStats.TestCount]
        let empty: Bool
    }

    package init(database: AppDatabase, pages: PageRenderer) {
        (self.database, self.pages) = (database, pages)
    }
}
