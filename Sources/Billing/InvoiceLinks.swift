import GRDB
import LabBoxServer
import LabBoxValues

extension RecordLinks {
    /// A customer's invoices and credit notes, newest first; all of them on the customer's
    /// billing page. Only for those who may see billing.
    package static let customerInvoices = RecordLinks(
        key: "invoices", title: "Invoices", permission: .billingRead, seeAll: { "/billing/customers/\($0)" },
        select: "id, kind, state, number, issue_date, currency, gross_minor",
        from: "FROM invoices WHERE customer_id = ?", order: "id DESC",
        item: { row, _ in
            let invoice: Int64 = row["id"]
            let kind: String = row["kind"]
            let number: String? = row["number"]
            let gross: Int64 = row["gross_minor"]
            let currency: String = row["currency"]
            let state: String = row["state"]
            let issued: String? = row["issue_date"]
            return Item(
                href: "/billing/invoices/\(invoice)",
                label: (kind == "credit_note" ? "Credit note " : "Invoice ") + (number ?? "draft #\(invoice)"),
                detail: [state, issued ?? "", Currency(currency).map { "\($0.text(gross)) \($0.code)" } ?? ""]
                    .filter { !$0.isEmpty }.joined(separator: " · "))
        })
}
