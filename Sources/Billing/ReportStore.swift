import Foundation
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Reads the reports of ``RevenueReport`` and ``Journal`` from the database.
package struct ReportStore: Sendable {
    package let database: AppDatabase
    package let settings: BillingSettings

    package func revenue(from: String, to: String) async throws -> RevenueReport {
        try await database.read { db in try RevenueReport.load(db, from: from, to: to) }
    }

    package func journal(from: String, to: String) async throws -> [Journal.Line] {
        let settings = settings
        return try await database.read { db in try Journal.load(db, from: from, to: to, settings: settings) }
    }

    static let revenueColumns = ["month", "service", "customer", "net", "vat", "gross"]

    /// One line per month, service and customer, amounts as decimal text.
    static func revenueCSV(_ report: RevenueReport, _ currency: Currency) -> String {
        CSVResponse.line(revenueColumns)
            + report.rows.map {
                CSVResponse.line([
                    $0.month, $0.service, $0.customer, currency.text($0.net), currency.text($0.vat),
                    currency.text($0.gross),
                ])
            }.joined()
    }

    package init(database: AppDatabase, settings: BillingSettings) {
        self.database = database
        self.settings = settings
    }
}
