import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The revenue page (chart by month, tables by service and customer, the CSV exports), the
/// month-end forms (storage charges, the invoice run) and the price list's CSV import page.
package struct ReportsWebController {
    package let reports: ReportStore
    package let invoices: InvoiceStore
    package let accrual: StorageAccrual
    package let pages: PageRenderer

    private var currency: Currency { reports.settings.currency }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/billing/revenue", .billingRead) { request, context in try await revenue(request, context) }
        routes.post("/billing/storage", .billingWrite) { request, context in try await storage(request, context) }
        routes.post("/billing/run", .billingWrite) { request, context in try await run(request, context) }
        routes.get("/billing/services/import", .billingWrite) { request, context in
            pages.page(
                "import", title: "Import the price list", section: "billing", request: request, context: context,
                model: ImportPage(noun: "services", api: "/api/v1/services"))
        }
    }

    private func revenue(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (from, to) = try ReportsAPIController.range(ListQuery(request))
        let report = try await reports.revenue(from: from, to: to)
        func row(_ sum: RevenueReport.Sum) -> RevenuePage.Row {
            RevenuePage.Row(
                label: sum.label, net: currency.text(sum.net), vat: currency.text(sum.vat),
                gross: currency.text(sum.gross))
        }
        let months = report.byMonth
        let largest = max(months.map(\.gross).max() ?? 0, 1)
        let chart = BarChart(
            title: "Revenue by month, net and gross (\(currency.code))",
            series: [.init(class: "bar-a", "Net"), .init(class: "bar-b", "Gross")],
            rows: months.map { month in
                (
                    month.label,
                    [month.net, month.gross].map {
                        BarChart.Value(permille: Int(Int128($0) * 1000 / Int128(largest)), text: currency.text($0))
                    }
                )
            })
        let range = "from=\(from)&to=\(to)"
        return pages.page(
            "billing/revenue", title: "Revenue", section: "billing", request: request, context: context,
            model: RevenuePage(
                from: from, to: to, currency: currency.code, chart: chart, services: report.byService.map(row),
                customers: report.byCustomer.map(row), total: row(report.total), empty: report.rows.isEmpty,
                revenueCSV: "/api/v1/revenue/export?\(range)", journalCSV: "/api/v1/journal?\(range)"))
    }

    private func storage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: MonthForm.self, context: context)
        return try await Flash.after(redirectTo: "/billing") {
            let month = try StorageAccrual.month(FormText.text(form.month))
            let count = try await accrual.accrue(month: month, context: context.eventContext)
            return "Storage of \(month) was charged to \(count) customers."
        }
    }

    private func run(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: RunForm.self, context: context)
        return try await Flash.after(redirectTo: "/billing/invoices") {
            let until =
                try FormText.text(form.until).map {
                    guard let day = Day.date($0) else {
                        throw APIError.validationFailed("A day as YYYY-MM-DD.", field: "until")
                    }
                    return Day.text(day)
                } ?? Day.today
            let run = try await invoices.invoiceAll(until: until, context: context.eventContext)
            let skipped = run.skipped.isEmpty ? "" : " \(run.skipped.count) customers need a VAT id for reverse charge."
            return "\(run.issued.count) invoices were issued.\(skipped)"
        }
    }

    private struct MonthForm: Decodable {
        let month: String?
    }

    private struct RunForm: Decodable {
        let until: String?
    }

    /// `billing/revenue.mustache`.
    struct RevenuePage: Encodable {
        struct Row: Encodable {
            let label: String
            let net: String
            let vat: String
            let gross: String
        }
        let from: String
        let to: String
        let currency: String
        let chart: BarChart?
        let services: [Row]
        let customers: [Row]
        let total: Row
        let empty: Bool
        let revenueCSV: String
        let journalCSV: String

        enum CodingKeys: String, CodingKey {
            case from, to, currency, chart, services, customers, total, empty
            case revenueCSV = "revenue_csv"
            case journalCSV = "journal_csv"
        }
    }

    package init(reports: ReportStore, invoices: InvoiceStore, accrual: StorageAccrual, pages: PageRenderer) {
        (self.reports, self.invoices, self.accrual, self.pages) = (reports, invoices, accrual, pages)
    }
}
