import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Billing's reports and bookkeeping: the revenue report and its CSV, the accountant's journal,
/// the month-end invoice run, the monthly storage charges, and the price list as CSV.
package struct ReportsAPIController {
    package let reports: ReportStore
    package let invoices: InvoiceStore
    package let accrual: StorageAccrual
    package let priceList: PriceListCSV
    package let jobs: JobQueue

    private var currency: Currency { reports.settings.currency }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/revenue", .billingRead, .revenueReport) { request, _ in
            let (from, to) = try Self.range(ListQuery(request))
            return BillingJSON.Revenue(try await reports.revenue(from: from, to: to), currency)
        }
        routes.get("/api/v1/revenue/export", .billingRead, .revenueExport) { request, _ in
            let (from, to) = try Self.range(ListQuery(request))
            return Self.csv(
                ReportStore.revenueCSV(try await reports.revenue(from: from, to: to), currency),
                filename: "revenue-\(from)-\(to).csv")
        }
        routes.get("/api/v1/journal", .billingRead, .journalExport) { request, _ in
            let (from, to) = try Self.range(ListQuery(request))
            return Self.csv(
                Journal.csv(try await reports.journal(from: from, to: to), currency: currency),
                filename: "journal-\(from)-\(to).csv")
        }
        routes.post("/api/v1/invoices/run", .billingWrite, .invoiceRun) { request, context in
            let input = try await request.decode(as: RunInput.self, context: context)
            // A body field: a bad day breaks a rule (422), unlike a malformed query parameter.
            let until =
                try input.until.map {
                    guard let day = Day.date($0) else {
                        throw APIError.validationFailed("until must be YYYY-MM-DD.", field: "until")
                    }
                    return Day.text(day)
                } ?? Day.today
            let order = try input.purchaseOrder.map {
                try InputCheck.text($0, field: "purchase_order", limit: 100)
            }
            let run = try await invoices.invoiceAll(until: until, purchaseOrder: order, context: context.eventContext)
            return EditedResponse(
                status: .created,
                response: RunResult(
                    issued: run.issued.count, firstNumber: run.issued.first?.number,
                    lastNumber: run.issued.last?.number, skippedCustomerIds: run.skipped))
        }
        routes.post("/api/v1/charges/storage", .billingWrite, .accrueStorage) { request, context in
            let input = try await request.decode(as: AccrualInput.self, context: context)
            let month = try StorageAccrual.month(input.month)
            return Accrued(month: month, charged: try await accrual.accrue(month: month, context: context.eventContext))
        }
        routes.get("/api/v1/services/export", .billingRead, .exportPriceList) { _, _ in
            Self.csv(try await priceList.export(), filename: "price-list.csv")
        }
        priceList.importer.addRoutes(
            to: routes, path: "/api/v1/services", permission: .billingWrite,
            operations: .init(
                template: .priceListTemplate, check: .checkPriceListImport, import: .importPriceList,
                job: .importPriceListInBackground),
            template: PriceListCSV.template, database: reports.database, jobs: jobs)
    }

    /// `from` and `to` (YYYY-MM-DD) or a `range` preset: the year so far when absent.
    static func range(_ query: ListQuery) throws -> (String, String) {
        let range = try ReportRange(query, today: Day.today, default: .thisYear)
        return (range.from, range.to)
    }

    static func csv(_ text: String, filename: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"",
            ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private struct RunInput: Decodable {
        let until: String?
        let purchaseOrder: String?

        enum CodingKeys: String, CodingKey {
            case until
            case purchaseOrder = "purchase_order"
        }
    }

    private struct RunResult: Encodable, Sendable, ResponseEncodable {
        let issued: Int
        let firstNumber: String?
        let lastNumber: String?
        let skippedCustomerIds: [Int64]

        enum CodingKeys: String, CodingKey {
            case issued
            case firstNumber = "first_number"
            case lastNumber = "last_number"
            case skippedCustomerIds = "skipped_customer_ids"
        }
    }

    private struct AccrualInput: Decodable {
        let month: String?
    }

    private struct Accrued: Encodable, Sendable, ResponseEncodable {
        let month: String
        let charged: Int
    }

    package init(
        reports: ReportStore, invoices: InvoiceStore, accrual: StorageAccrual, priceList: PriceListCSV, jobs: JobQueue
    ) {
        (self.reports, self.invoices, self.accrual, self.priceList, self.jobs) = (
            reports, invoices, accrual, priceList, jobs
        )
    }
}
