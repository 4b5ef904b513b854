import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of Billing's reports and bookkeeping routes (ReportsAPIController).

extension APIOperation {
    private static let range = APIParameter.reportRange(default: .thisYear)

    package static let revenueReport = APIOperation(
        "Revenue by month, service and customer",
        "Issued invoices less issued credit notes, by issue date (void invoices are not revenue). Net from the lines; VAT the documents' own, shared among the lines of each rate by their net, so every sum equals the documents'. A credit note's line counts for the service of the line it reverses; work billed without a service is 'Other work'.",
        parameters: range,
        responses: [
            200: .json(.revenue, "The report."), 400: "A malformed date.",
            422: "from after to, or more than ten years.",
        ])

    package static let revenueExport = APIOperation(
        "Revenue report as CSV", "One line per month, service and customer: month, service, customer, net, vat, gross.",
        parameters: range,
        responses: [
            200: .file("text/csv", "The report."), 400: "A malformed date.",
            422: "from after to, or more than ten years.",
        ])

    package static let journalExport = APIOperation(
        "Journal for the accountant (CSV)",
        "Balanced journal lines (date, document, account, debit, credit, vat_code, customer) of the invoices and credit notes issued and the payments received in the range. An invoice debits billing.account_receivable with its gross and credits each service's revenue account (billing.account_revenue when it has none) with its net and the VAT account of each rate (billing.vat_accounts, else billing.account_vat) with its VAT; a credit note the reverse; a payment (document PAY-<id>) debits billing.account_bank and credits receivables. Debits equal credits per document.",
        parameters: range,
        responses: [
            200: .file("text/csv", "The journal."), 400: "A malformed date.",
            422: "from after to, or more than ten years.",
        ])

    package static let invoiceRun = APIOperation(
        "Invoice all unbilled work",
        "The month-end run: each customer's unbilled charges performed by until (today when absent) become one issued invoice, with the purchase_order given (else the one its lab orders share). Customers with reverse-charge work and no VAT id are skipped and listed. Issued in transactions of 250 customers; numbers stay gap-free.",
        body: .json(
            .object(["until": .string(maxLength: 10), "purchase_order": .string(maxLength: 100)])
        ),
        responses: [
            201: .json(
                .object([
                    "issued": .integer, "first_number": .string, "last_number": .string,
                    "skipped_customer_ids": .array(.integer),
                ]), "What was issued."),
            422: "A rule failed (field names it): until not a day, purchase_order too long.",
        ])

    package static let accrueStorage = APIOperation(
        "Charge a month's storage",
        "Each customer owning stored items (samples of their animals at a storage position) is charged their straw-months of month (the last one when absent) at the price of the service whose work is storage_straw_month: straw-days from collection (or the month's first day) to its last, over the month's days. Once per customer and month; the billing_storage schedule does the same on the 1st.",
        body: .json(.object(["month": .string(maxLength: 7).described("YYYY-MM, a month that has ended.")])),
        responses: [
            200: .json(.object(["month": .string, "charged": .integer]), "How many customers were charged."),
            422: "Not a month that has ended (field month).",
        ])

    package static let exportPriceList = APIOperation(
        "Price list as CSV",
        "Every service with its list price valid today: code, name, unit, vat_category, vat_rate, work, revenue_account, unit_price, valid_from.",
        responses: [200: .file("text/csv", "The price list.")])

    private static let priceListColumns =
        "Columns: code (required), name, unit, vat_category, vat_rate, work, revenue_account, unit_price, valid_from. A known code changes that service (empty cells leave a field as it is; work and revenue_account are as the file says); an unknown code adds one (name and unit_price required). A unit_price other than the list price valid on valid_from (today when empty) adds a price from that day. Comma, semicolon or tab; BOM allowed."

    package static let priceListTemplate = APIOperation(
        "CSV import template for the price list",
        responses: [200: .file("text/csv", "The header and an example row.")])

    package static let checkPriceListImport = APIOperation(
        "Check a price-list import (dry run)", "Validates every row; writes nothing.", body: .csv(priceListColumns),
        responses: [
            200: .json(.importReport, "Each problem with its row and field."), 413: "Too large.",
            415: "Not text/csv.", 422: "Not readable as CSV, or columns wrong.",
        ])

    package static let importPriceList = APIOperation(
        "Import the price list from CSV",
        "Every row is checked first; all are written in one transaction, each change audited, or none.",
        body: .csv(priceListColumns),
        responses: [
            201: .json(.importReport, "The report."), 413: "Too large.", 415: "Not text/csv.",
            422: "Rows have problems (the message names each row and field); nothing was imported.",
        ])

    package static let importPriceListInBackground = APIOperation(
        "Import the price list from CSV in the background",
        "The same all-or-nothing import as a services.import job; follow it at /api/v1/jobs/{id}.",
        body: .csv(),
        responses: [
            202: .json(.job, "The queued job."), 403: "Not allowed.", 415: "Not text/csv.",
            422: "Not readable as CSV or columns wrong.",
        ])
}

extension APISchema {
    static let revenueAmounts: APISchema = .object(["net": .money, "vat": .money, "gross": .money])

    static let revenueSum: APISchema = .object(["key": .string, "label": .string, "amounts": .revenueAmounts])

    static let revenue: APISchema = .object([
        "from": .date, "to": .date, "currency": .string,
        "rows": .array(
            .object([
                "month": .string, "service_id": .integer.described("Absent: work billed without a service."),
                "service": .string, "customer_id": .integer, "customer": .string, "amounts": .revenueAmounts,
            ])),
        "by_month": .array(.revenueSum), "by_service": .array(.revenueSum), "by_customer": .array(.revenueSum),
        "total": .revenueAmounts,
    ]).named("Revenue")
}
